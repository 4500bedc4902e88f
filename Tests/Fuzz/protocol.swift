// libFuzzer harness: the control protocol. Framing any bytes yields lines within the cap;
// each line decodes to a request (which encodes and decodes to itself) or a coded error;
// answers decode without crashing.
import LimberProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var framer = LineFramer(cap: 512)
    // Fed in two pieces, split where the input says, as a socket might deliver it.
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    let items = framer.append(bytes[..<split]) + framer.append(bytes[split...])
    for item in items {
        guard case .line(let line) = item else { continue }
        precondition(line.count <= 512, "a line over the cap got through")
        switch Request.decode(line) {
        case .success(let request):
            let encoded = request.encoded()
            precondition(encoded.last == UInt8(ascii: "\n"))
            guard case .success(let again) = Request.decode(encoded.dropLast()) else {
                preconditionFailure("an encoded request does not decode")
            }
            precondition(again == request, "a request does not round-trip")
        case .failure(let error):
            precondition(!error.message.isEmpty)
        }
        if let response = Response.decode(line) {
            _ = Response.decode(response.encoded().dropLast())
        }
    }
    _ = Request.decode(bytes)
    return 0
}
