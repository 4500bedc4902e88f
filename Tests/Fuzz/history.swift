// libFuzzer harness: the history-line reader and the merge of history files. Any bytes give
// events or bounded warnings; merged events are in time order with unique ids.
import LimberCore
import LimberFiles

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = HistoryEvent.parse(bytes)
    // The same bytes as two hosts' files, so that merging and dropping copies run too.
    let half = bytes.count / 2
    let loaded = HistoryStore.merge([("history-a.jsonl", bytes), ("history-b.jsonl", Array(bytes[half...]))])
    for k in loaded.events.indices.dropFirst() {
        precondition(loaded.events[k - 1].ts <= loaded.events[k].ts, "events out of order")
    }
    // A copy of an event has its id and its time: one of each pair is kept.
    var seen = Set<String>()
    for e in loaded.events { precondition(seen.insert("\(e.ts) \(e.id)").inserted, "an event and its copy both kept") }
    // Per file: the first few unreadable lines by name, a count of the rest, newer versions, a cut-off end.
    precondition(loaded.warnings.count <= 2 * (HistoryStore.namedProblemsPerFile + 3), "warnings are bounded")
    return 0
}
