/// What a `tokenizer.json` post-processor does to the ids of a text (and pair): add the special tokens around them
/// and give every id its token type. Only the kinds the encoder families use are here; `TokenizerJSON` refuses
/// the others by name.
indirect enum PostProcessor: Sendable, Equatable {
    /// `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]`, token types 0 up to the first `[SEP]`, 1 after it.
    case bert(cls: Int32, sep: Int32)
    /// `<s> A </s>` / `<s> A </s> </s> B </s>`, every token type 0.
    case roberta(cls: Int32, sep: Int32)
    case template(TemplateProcessing)
    /// Only changes offsets, which bermo does not compute: the ids pass unchanged.
    case byteLevel
    case sequence([PostProcessor])

    /// How many ids it adds, which truncation leaves room for.
    func addedCount(pair: Bool) -> Int {
        switch self {
        case .bert: pair ? 3 : 2
        case .roberta: pair ? 4 : 2
        case .template(let template): (pair ? template.pair : template.single).reduce(0) { $0 + $1.addedCount }
        case .byteLevel: 0
        case .sequence(let processors): processors.reduce(0) { $0 + $1.addedCount(pair: pair) }
        }
    }

    /// The model inputs for `first` (and `second`); `nil` (no post-processor) and `byteLevel` join the two with
    /// token types 0 and 1, as the reference does without one.
    static func process(_ processor: PostProcessor?, first: [Int32], second: [Int32]?) -> Encoding {
        var ids: [Int32] = []
        var types: [Int32] = []
        ids.reserveCapacity(first.count + (second?.count ?? 0) + 4)
        types.reserveCapacity(ids.capacity)
        func add(_ part: [Int32], type: Int32) {
            ids += part
            types += repeatElement(type, count: part.count)
        }
        switch processor?.idsChanging {
        case .bert(let cls, let sep):
            add([cls] + first + [sep], type: 0)
            if let second { add(second + [sep], type: 1) }
        case .roberta(let cls, let sep):
            add([cls] + first + [sep], type: 0)
            if let second { add([sep] + second + [sep], type: 0) }
        case .template(let template):
            for piece in second == nil ? template.single : template.pair {
                switch piece {
                case .sequence(let isFirst, let type): add(isFirst ? first : second ?? [], type: type)
                case .special(let specialIds, let type): add(specialIds, type: type)
                }
            }
        case .byteLevel, .sequence, nil:
            add(first, type: 0)
            if let second { add(second, type: 1) }
        }
        return Encoding(inputIds: ids, tokenTypeIds: types, attentionMask: [Int32](repeating: 1, count: ids.count))
    }

    /// The one processor that changes ids: a `sequence` holds at most one besides byte-level ones (the loader
    /// refuses more), and byte-level ones change none.
    private var idsChanging: PostProcessor? {
        switch self {
        case .byteLevel: nil
        case .sequence(let processors): processors.lazy.compactMap(\.idsChanging).first
        default: self
        }
    }
}

/// The `TemplateProcessing` post-processor: templates such as `[CLS]:0 $A:0 [SEP]:0` for a single text and one for
/// a pair, each piece either a sequence (A or B) or special token ids, with its token type.
struct TemplateProcessing: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case sequence(isFirst: Bool, type: Int32)
        case special(ids: [Int32], type: Int32)

        var addedCount: Int {
            if case .special(let ids, _) = self { ids.count } else { 0 }
        }
    }

    var single: [Piece]
    var pair: [Piece]
}
