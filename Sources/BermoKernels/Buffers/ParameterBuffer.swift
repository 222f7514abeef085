/// One contiguous, 64-byte-aligned `Float` allocation laid out by a `ParameterLayout`: the model's
/// weights, or a gradient / optimizer moment of the same shape.
public final class ParameterBuffer {
    public let count: Int
    public let base: UnsafeMutablePointer<Float>

    /// - Parameter zeroed: scratch buffers that are always written before being read skip the zeroing.
    public init(count: Int, zeroed: Bool = true) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        if zeroed { base.initialize(repeating: 0, count: count) }
    }
    deinit { UnsafeMutableRawPointer(base).deallocate() }

    @inline(__always) public subscript(offset: Int) -> UnsafeMutablePointer<Float> { base + offset }
    public func zero() { base.update(repeating: 0, count: count) }
    public func copy(from other: ParameterBuffer) {
        // A programmer error, unreachable from input: both buffers are laid out by the same ParameterLayout.
        precondition(other.count == count); base.update(from: other.base, count: count)
    }
    public var array: [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
