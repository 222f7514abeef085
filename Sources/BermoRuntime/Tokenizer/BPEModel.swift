/// Byte-pair encoding as the `tokenizers` `BPE` model applies it without dropout (RoBERTa's model): a word starts
/// as one symbol per character, then the adjacent pair whose merge comes first in the merges list is merged,
/// again and again, until no adjacent pair has a merge.
///
/// The order of merging is the reference's to the letter (`Word::merge_all`): a queue ordered by (rank, position)
/// where merges found stale when they come up are skipped, and the merges a new symbol makes possible with its
/// neighbours are queued as they appear.
struct BPEModel: Sendable {
    /// The model's own table (added tokens are matched before the model sees the text).
    let idsByToken: [String: Int32]
    /// The ids of single-scalar tokens, looked up without building a string (every byte-level character).
    private let scalarIds: [UInt32: Int32]
    /// (left id, right id) → where the merge stands in the list (earlier merges first) and the merged token's id.
    private let merges: [UInt64: Merge]
    /// Characters outside the vocabulary become this id (consecutive ones fused into one when `fusesUnknown`);
    /// without it they are dropped, as in the reference.
    let unkId: Int32?
    let fusesUnknown: Bool
    /// Spelled before every symbol but a word's first, and after its last.
    let continuingSubwordPrefix: String
    let endOfWordSuffix: String
    /// A word that is a token as a whole is that token, whatever the merges would make of it.
    let ignoresMerges: Bool

    struct Merge: Sendable {
        let rank: Int32
        let id: Int32
    }

    /// A pair of tokens to merge, as a merges list names them; `location` says where, as messages start
    /// (`…/tokenizer.json: model.merges[17]`, `…/merges.txt:18`).
    struct MergeRule {
        let left: String
        let right: String
        let location: String
    }

    /// Builds the model, refusing merges that name a token outside `idsByToken` or whose result is not a token,
    /// and a pair merged twice.
    init(idsByToken: [String: Int32], merges rules: [MergeRule], unkId: Int32?, fusesUnknown: Bool,
         continuingSubwordPrefix: String, endOfWordSuffix: String, ignoresMerges: Bool) throws {
        self.idsByToken = idsByToken
        var scalarIds: [UInt32: Int32] = [:]
        for (token, id) in idsByToken {
            let scalars = token.unicodeScalars
            if scalars.count == 1, let scalar = scalars.first { scalarIds[scalar.value] = id }
        }
        self.scalarIds = scalarIds
        var merges: [UInt64: Merge] = [:]
        var places: [UInt64: String] = [:]
        merges.reserveCapacity(rules.count)
        for (rank, rule) in rules.enumerated() {
            func id(of token: String, _ role: String) throws -> Int32 {
                guard let id = idsByToken[token] else {
                    throw RuntimeError("\(rule.location): the merge's \(role) \(VisibleText.quoted(token)) is not in the "
                        + "vocabulary; the merges do not belong to this vocabulary, use the files shipped together")
                }
                return id
            }
            let left = try id(of: rule.left, "first token"), right = try id(of: rule.right, "second token")
            guard rule.right.hasPrefix(continuingSubwordPrefix) else {
                throw RuntimeError("\(rule.location): the merge's second token \(VisibleText.quoted(rule.right)) does not "
                    + "start with the continuing-subword prefix \(VisibleText.quoted(continuingSubwordPrefix)), so it cannot "
                    + "continue a word; the merges and the model's settings do not belong together")
            }
            let merged = rule.left + rule.right.dropFirst(continuingSubwordPrefix.count)
            let mergedId = try id(of: String(merged), "result")
            let key = Self.key(left, right)
            if let earlier = places[key] {
                throw RuntimeError("\(rule.location) merges \(VisibleText.quoted(rule.left)) and "
                    + "\(VisibleText.quoted(rule.right)) again (as \(earlier) does); the tokenizers library would silently "
                    + "use the later rank, so the file is ambiguous: delete one of the two")
            }
            places[key] = rule.location
            merges[key] = Merge(rank: Int32(rank), id: mergedId)
        }
        self.merges = merges
        self.unkId = unkId
        self.fusesUnknown = fusesUnknown
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix
        self.ignoresMerges = ignoresMerges
    }

    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Space reused across words.
    struct Scratch {
        var symbols: [Symbol] = []
        var queue = MergeQueue()
    }

    /// A symbol of the word being merged, linked to its neighbours; merged-away symbols stay in place, marked.
    struct Symbol {
        var id: Int32
        var previous: Int
        var next: Int
        var removed = false
    }

    /// Appends the ids of `word` to `ids`.
    func appendIds(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int32], scratch: inout Scratch) {
        if ignoresMerges, let id = idsByToken[UnicodeForms.string(Array(word))] {
            ids.append(id)
            return
        }
        initialSymbols(of: word, into: &scratch.symbols)
        mergeAll(&scratch.symbols, queue: &scratch.queue)
        for symbol in scratch.symbols where !symbol.removed { ids.append(symbol.id) }
    }

    /// One symbol per character (`merge_word`), with the prefix and suffix and the unknown token.
    private func initialSymbols(of word: ArraySlice<Unicode.Scalar>, into symbols: inout [Symbol]) {
        symbols.removeAll(keepingCapacity: true)
        func add(_ id: Int32) {
            let index = symbols.count
            if index > 0 { symbols[index - 1].next = index }
            symbols.append(Symbol(id: id, previous: index - 1, next: -1))
        }
        var pendingUnknown = false
        let plain = continuingSubwordPrefix.isEmpty && endOfWordSuffix.isEmpty
        for (offset, scalar) in word.enumerated() {
            let id: Int32?
            if plain {
                id = scalarIds[scalar.value]
            } else {
                var spelling = offset > 0 ? continuingSubwordPrefix : ""
                spelling.unicodeScalars.append(scalar)
                if offset == word.count - 1 { spelling += endOfWordSuffix }
                id = idsByToken[spelling]
            }
            if let id {
                if pendingUnknown, let unkId { add(unkId) }
                pendingUnknown = false
                add(id)
                continue
            }
            guard let unkId else { continue }
            if pendingUnknown && !fusesUnknown { add(unkId) }
            pendingUnknown = true
        }
        if pendingUnknown, let unkId { add(unkId) }
    }

    /// Applies the merges in the reference's order.
    private func mergeAll(_ symbols: inout [Symbol], queue: inout MergeQueue) {
        queue.removeAll()
        for index in symbols.indices.dropLast() {
            if let merge = merges[Self.key(symbols[index].id, symbols[index + 1].id)] {
                queue.push(MergeQueue.Entry(rank: merge.rank, position: index, id: merge.id))
            }
        }
        while let top = queue.pop() {
            let position = top.position
            if symbols[position].removed { continue }
            let nextPosition = symbols[position].next
            if nextPosition < 0 { continue }
            let right = symbols[nextPosition]
            // Stale: the pair at this position changed since the entry was queued.
            guard let current = merges[Self.key(symbols[position].id, right.id)], current.id == top.id else { continue }
            symbols[position].id = top.id
            symbols[position].next = right.next
            symbols[nextPosition].removed = true
            if right.next >= 0 { symbols[right.next].previous = position }
            let previous = symbols[position].previous
            if previous >= 0, let merge = merges[Self.key(symbols[previous].id, top.id)] {
                queue.push(MergeQueue.Entry(rank: merge.rank, position: previous, id: merge.id))
            }
            let next = symbols[position].next
            if next >= 0, let merge = merges[Self.key(top.id, symbols[next].id)] {
                queue.push(MergeQueue.Entry(rank: merge.rank, position: position, id: merge.id))
            }
        }
    }
}

/// A binary min-heap of pending merges, ordered by rank, then position (the reference's `Merge` ordering).
struct MergeQueue {
    struct Entry {
        let rank: Int32
        let position: Int
        let id: Int32

        func precedes(_ other: Entry) -> Bool {
            rank != other.rank ? rank < other.rank : position < other.position
        }
    }

    private var heap: [Entry] = []

    mutating func removeAll() { heap.removeAll(keepingCapacity: true) }

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var first = parent
                if left < heap.count, heap[left].precedes(heap[first]) { first = left }
                if right < heap.count, heap[right].precedes(heap[first]) { first = right }
                if first == parent { break }
                heap.swapAt(parent, first)
                parent = first
            }
        }
        return top
    }
}
