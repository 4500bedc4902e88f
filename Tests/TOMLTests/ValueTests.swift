import Testing
@testable import TOML

@Test func parsesAnInteger() throws {
    let document = try TOMLDocument(parsing: "a = 1")
    #expect(document.root["a"] == .integer(1))
}
