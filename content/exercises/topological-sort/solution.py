from collections import deque


def topological_order(nodes, edges):
    consumers = {v: [] for v in nodes}
    indegree = {v: 0 for v in nodes}  # how many inputs each node still waits for
    for src, dst in edges:
        consumers[src].append(dst)
        indegree[dst] += 1
    ready = deque(v for v in nodes if indegree[v] == 0)
    order = []
    while ready:
        v = ready.popleft()
        order.append(v)
        for w in consumers[v]:
            indegree[w] -= 1
            if indegree[w] == 0:
                ready.append(w)
    if len(order) < len(nodes):  # the nodes left over all wait on a cycle
        raise ValueError("the graph has a cycle")
    return order
