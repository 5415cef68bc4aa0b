"""The executors map in order, in chunks, with the context every worker was given."""
from fangan.executors import ProcessExecutor, SerialExecutor, context


def tagged(item):  # module level: pickled for the workers
    return (item, context())


def test_process_executor_keeps_order_across_chunks_and_window():
    # chunks of 3 and a window of 2 items (smaller than a chunk): every item once, in order
    ex = ProcessExecutor(2, context="ctx", window=2, chunk=3)
    try:
        assert list(ex.map(tagged, range(10))) == [(i, "ctx") for i in range(10)]
        assert list(ex.map(tagged, range(300))) == [(i, "ctx") for i in range(300)]  # past the ramp to full chunks
        assert list(ex.map(tagged, [])) == []
    finally:
        ex.close()


def test_process_executor_chunk_of_one_and_serial_agree():
    items = list("方案实施工作")
    ex = ProcessExecutor(2, context=7, chunk=1)
    try:
        parallel = list(ex.map(tagged, items))
    finally:
        ex.close()
    serial = SerialExecutor(7)
    try:
        assert list(serial.map(tagged, items)) == parallel == [(c, 7) for c in items]
    finally:
        serial.close()
