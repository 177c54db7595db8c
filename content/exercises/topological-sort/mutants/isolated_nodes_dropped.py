# Mistake: the graph is built from the edges alone, so nodes without any edge never appear in the order.
# expect: every node exactly once
# expect: no edges
from collections import deque


def topological_order(nodes, edges):
    consumers, indegree = {}, {}
    for src, dst in edges:
        consumers.setdefault(src, []).append(dst)
        consumers.setdefault(dst, [])
        indegree[dst] = indegree.get(dst, 0) + 1
        indegree.setdefault(src, 0)
    ready = deque(v for v in consumers if indegree[v] == 0)
    order = []
    while ready:
        v = ready.popleft()
        order.append(v)
        for w in consumers[v]:
            indegree[w] -= 1
            if indegree[w] == 0:
                ready.append(w)
    if len(order) < len(consumers):
        raise ValueError("the graph has a cycle")
    return order
