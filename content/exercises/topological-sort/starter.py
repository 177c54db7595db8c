def topological_order(nodes, edges):
    """An order of a directed graph's nodes in which every node comes after all its inputs.

    nodes: a list of hashable node ids (ints or strings), each once.
    edges: a list of (src, dst) pairs, meaning src is an input of dst; every id in an
    edge is in nodes, and no pair repeats.
    Returns a list holding every node exactly once, each after all of its inputs.
    Raises ValueError if the graph has a cycle (no such order exists).
    Do not modify nodes or edges.
    """
    raise NotImplementedError
