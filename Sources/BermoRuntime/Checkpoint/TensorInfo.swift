/// Element types a safetensors header may name, spelled as in the format's specification.
///
/// All of them are recognised so that a checkpoint carrying, say, an `I64` `position_ids` buffer next to
/// its `F32` weights opens fine; only the float types can be read as `Float` (see `canConvertToFloat`).
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
    case bool = "BOOL"

    /// Bytes per element: the header's byte ranges must equal element count times this.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .f8e4m3, .f8e5m2, .i8, .u8, .bool: 1
        }
    }

    /// Whether `SafetensorsFile.floats` can widen or narrow this type to `Float` without guessing a scale.
    public var canConvertToFloat: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16: true
        default: false
        }
    }

    public var description: String { rawValue }
}

/// One tensor's entry in a safetensors header, already checked against the file.
public struct TensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: DType
    public let shape: [Int]
    /// Absolute byte offsets in the file (header length and header already added), so callers never redo
    /// the `8 + headerLength + data_offsets` arithmetic the format asks for.
    public let byteRange: Range<Int>

    public init(name: String, dtype: DType, shape: [Int], byteRange: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteRange = byteRange
    }

    /// Product of the shape; 1 for a scalar (empty shape), as in NumPy.
    public var elementCount: Int { shape.reduce(1, *) }
    public var byteCount: Int { byteRange.count }
}
