// The tree the parser builds while it reads [headers] and dotted keys. Tables that later lines
// may still extend live in an arena (`Parser.nodes`) and refer to each other by index, so
// building them needs no reference counting and no runtime exclusivity checks. Everything that
// is complete once written (scalars, static arrays, inline tables) goes straight into a node's
// `entries` as the public `TOMLEntry` it will become; `freeze` only fills in child tables.

/// How a table came to exist; it decides which later lines may add to it.
enum TableKind {
    /// Implied by a longer header ([a.b] implies a); one header may still define it.
    case implicit
    /// Defined by its own [header], an [[array]] element, the root, or an inline table.
    case header
    /// Created by a dotted key (a.b = 1 creates a); no header may define it later.
    case dotted
}

/// What an entry of a table node holds.
enum Slot {
    /// A finished value (scalar, static array or inline table), already in `entries`.
    case value
    /// A table that later lines may extend: an index into `Parser.nodes`.
    case table(Int)
    /// An array of tables built from [[headers]]: an index into `Parser.tableArrays`.
    case tables(Int)
}

struct TableNode {
    var kind: TableKind
    var position: TOMLPosition
    let depth: Int
    /// The entries in source order; for child tables the value is a placeholder until `freeze`.
    var entries: [TOMLEntry] = []
    /// What each entry holds; left empty (all `.value`) until the first child table arrives, so
    /// the many tables without children never allocate it.
    private var slots: [Slot] = []
    var lookup: [String: Int]?

    init(kind: TableKind, position: TOMLPosition, depth: Int) {
        self.kind = kind
        self.position = position
        self.depth = depth
    }

    // `find` and `slot` are `mutating` only so that calling them on `nodes[id]` borrows the
    // node in place; as plain methods the optimizer copied the whole node on every call.
    mutating func find(_ name: String) -> Int? {
        if let lookup { return lookup[name] }
        for k in entries.indices where entries[k].key == name { return k }
        return nil
    }

    var hasChildren: Bool { !slots.isEmpty }

    mutating func slot(_ k: Int) -> Slot {
        k < slots.count ? slots[k] : .value
    }

    mutating func append(_ entry: consuming TOMLEntry, _ slot: Slot) {
        if entries.isEmpty { entries.reserveCapacity(4) }
        entries.append(entry)
        if case .value = slot {
            if !slots.isEmpty { slots.append(slot) }
        } else {
            if slots.isEmpty {
                slots.reserveCapacity(entries.count + 4)
                slots.append(contentsOf: repeatElement(Slot.value, count: entries.count - 1))
            }
            slots.append(slot)
        }
        if lookup != nil {
            lookup?[entries[entries.count - 1].key] = entries.count - 1
        } else if entries.count > TOMLTable.indexThreshold {
            var lookup = [String: Int](minimumCapacity: entries.count * 2)
            for (k, entry) in entries.enumerated() { lookup[entry.key] = k }
            self.lookup = lookup
        }
    }
}

struct TableArrayNode {
    let position: TOMLPosition
    var tables: [Int] = []
}

extension Parser {
    mutating func makeNode(kind: TableKind, position: TOMLPosition, depth: Int) -> Int {
        nodes.append(TableNode(kind: kind, position: position, depth: depth))
        return nodes.count - 1
    }

    mutating func addValue(to id: Int, _ name: String, keyPosition: TOMLPosition, value: TOMLValue,
                           valuePosition: TOMLPosition) {
        nodes[id].append(TOMLEntry(key: name, keyPosition: keyPosition, value: value,
                                   valuePosition: valuePosition), .value)
    }

    mutating func addTable(to id: Int, _ name: String, keyPosition: TOMLPosition, child: Int) {
        let position = nodes[child].position
        nodes[id].append(TOMLEntry(key: name, keyPosition: keyPosition, value: .bool(false),
                                   valuePosition: position), .table(child))
    }

    mutating func addTableArray(to id: Int, _ name: String, keyPosition: TOMLPosition, array: Int) {
        let position = tableArrays[array].position
        nodes[id].append(TOMLEntry(key: name, keyPosition: keyPosition, value: .bool(false),
                                   valuePosition: position), .tables(array))
    }

    /// The public table for node `id`. Takes the node's entries (call once per node);
    /// recursion is bounded by the depth limit.
    mutating func freeze(_ id: Int) -> TOMLTable {
        var result: [TOMLEntry] = []
        swap(&result, &nodes[id].entries)
        if nodes[id].hasChildren {
            for k in result.indices {
                switch nodes[id].slot(k) {
                case .value:
                    continue
                case .table(let child):
                    result[k].valuePosition = nodes[child].position
                    result[k].value = .table(freeze(child))
                case .tables(let array):
                    let tables = tableArrays[array].tables
                    var elements: [TOMLElement] = []
                    elements.reserveCapacity(tables.count)
                    for table in tables {
                        elements.append(TOMLElement(value: .table(freeze(table)), position: nodes[table].position))
                    }
                    result[k].value = .array(TOMLArray(position: tableArrays[array].position, elements: elements,
                                                       isArrayOfTables: true))
                }
            }
        }
        return TOMLTable(uniqueEntries: result, lookup: nodes[id].lookup, position: nodes[id].position)
    }
}
