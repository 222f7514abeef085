/// Widening of stored float formats to `Float`, done on raw bit patterns.
///
/// Swift's `Float16` type is missing on some targets (macOS on Intel), so half precision is decoded by hand;
/// a test checks all 65,536 bit patterns against `Float16` where that type exists. Every decode here is
/// exact: each F16 and BF16 value, subnormals included, is representable as a `Float`.
enum FloatConversion {
    /// IEEE 754 binary16: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
    static func float(fromHalfBits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa * 2^-24, exact in Float (whose own subnormals start far lower).
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            // Infinity (mantissa 0) or NaN; the payload is kept in the high mantissa bits.
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 127 - 15) << 23) | (mantissa << 13))
        }
    }

    /// bfloat16 is the upper half of a binary32, so widening is a shift (subnormals, inf, NaN included).
    static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Converts `count` little-endian elements of `dtype` from `source` into `destination`.
    /// The caller has checked that `source` holds exactly `count` elements and that `dtype` is a float type.
    static func convert(_ dtype: DType, from source: UnsafeRawBufferPointer,
                        into destination: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0, let base = source.baseAddress else { return }
        switch dtype {
        case .f32:
            #if _endian(little)
            // Same bits as the host: one memcpy, no per-element work (the common case).
            UnsafeMutableRawPointer(destination).copyMemory(from: base, byteCount: count * 4)
            #else
            for i in 0..<count {
                destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
            #endif
        case .f16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                destination[i] = float(fromHalfBits: bits)
            }
        case .bf16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                destination[i] = float(fromBFloat16Bits: bits)
            }
        case .f64:
            for i in 0..<count {
                let bits = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                destination[i] = Float(Double(bitPattern: bits))
            }
        default:
            // Unreachable from input: SafetensorsFile refuses other dtypes before converting (floatTensor).
            preconditionFailure("FloatConversion.convert called with non-float dtype \(dtype)")
        }
    }
}
