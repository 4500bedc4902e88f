#if LIMBER_TESTING
import JSON
import LimberProtocol

/// Requests only debug builds answer; a release build's protocol does not know them, so it
/// refuses them as an unknown command.
extension Engine {
    private struct TestingRequest: Decodable {
        var cmd: String?
        var seconds: Int64?
    }

    /// `{"v":1,"cmd":"debug-advance","seconds":N}`: moves the scaled clock N scheduler
    /// seconds on at once and handles what came due, as if that time had passed with the user
    /// at the desk. The integration tests use it instead of sleeping. nil for every other line.
    func handleTestingRequest(_ line: [UInt8]) -> Response? {
        guard let request = try? JSON.decode(TestingRequest.self, from: line),
              request.cmd == "debug-advance" else { return nil }
        guard let scaled = clock as? ScaledClock else {
            return .failure(.badRequest, "debug-advance needs the scaled clock: start limberd with LIMBER_TEST_SCALE")
        }
        guard let seconds = request.seconds, seconds > 0, seconds <= Int64(Request.maxSeconds) else {
            return .failure(.badRequest, "debug-advance needs 'seconds' from 1 to \(Request.maxSeconds)")
        }
        scaled.advance(by: .seconds(seconds))
        logger.info("testing aid: scheduler time advanced \(seconds) s (\(scaled.skipped.components.seconds) s in all)")
        dispatch(.tick)
        return .success(status: report(at: clock.now()))
    }
}
#endif
