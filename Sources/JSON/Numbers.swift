/// Exact conversions of JSON number text (already checked against the JSON grammar).

/// The integer a JSON number denotes, when it is an integer that fits `T`; nil otherwise.
/// Exact: `1e2` and `100.0` are 100, `1.5` and `1e-9999` are not integers.
func exactInteger<T: FixedWidthInteger>(_ text: String, as type: T.Type) -> T? {
    var negative = false
    var digits: [UInt8] = []          // integer and fraction digits, as values 0...9
    var fractionCount = 0
    var exponent = 0                  // saturated: far beyond any integer type's range
    var exponentNegative = false
    var part = 0                      // 0 integer, 1 fraction, 2 exponent
    for b in text.utf8 {
        switch b {
        case UInt8(ascii: "-"):
            if part == 2 { exponentNegative = true } else { negative = true }
        case UInt8(ascii: "+"):
            break
        case UInt8(ascii: "."):
            part = 1
        case UInt8(ascii: "e"), UInt8(ascii: "E"):
            part = 2
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            let d = b - UInt8(ascii: "0")
            if part == 2 {
                exponent = min(exponent * 10 + Int(d), 1_000_000)
            } else {
                if digits.isEmpty && d == 0 && part == 0 { continue }  // leading zeros
                digits.append(d)
                if part == 1 { fractionCount += 1 }
            }
        default:
            return nil
        }
    }
    // value = digits × 10^scale
    var scale = (exponentNegative ? -exponent : exponent) - fractionCount
    while let last = digits.last, last == 0, scale < 0 {
        digits.removeLast()
        scale += 1
    }
    if let firstNonZero = digits.firstIndex(where: { $0 != 0 }) {
        digits.removeFirst(firstNonZero)
    } else {
        return 0
    }
    guard scale >= 0 else { return nil }                         // a fraction remains
    guard digits.count + scale <= 40 else { return nil }          // beyond even UInt128
    if negative && !T.isSigned { return nil }
    var value: T = 0
    for d in digits + Array(repeating: 0, count: scale) {
        let (times10, o1) = value.multipliedReportingOverflow(by: 10)
        let (next, o2) = negative ? times10.subtractingReportingOverflow(T(d)) : times10.addingReportingOverflow(T(d))
        if o1 || o2 { return nil }
        value = next
    }
    return value
}

/// The nearest `F` to a JSON number, correctly rounded; nil when it overflows to infinity
/// or a non-zero number underflows to zero (Foundation rejects both).
func nearestFloatingPoint<F: BinaryFloatingPoint & LosslessStringConvertible>(_ text: String, as type: F.Type) -> F? {
    guard let value = F(text), value.isFinite else { return nil }
    if value == 0 {
        // Zero only when every significand digit is zero.
        for b in text.utf8 {
            if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") { break }
            if b >= UInt8(ascii: "1") && b <= UInt8(ascii: "9") { return nil }
        }
    }
    return value
}
