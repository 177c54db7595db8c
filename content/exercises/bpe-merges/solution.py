def _merge(symbols, pair, new):
    """Replace every occurrence of `pair` in `symbols`, scanning left to right."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == pair[0] and symbols[i + 1] == pair[1]:
            out.append(new)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def bpe_train(words, counts, num_merges):
    vocab = {}
    for word, count in zip(words, counts):
        vocab[tuple(word)] = vocab.get(tuple(word), 0) + count
    merges = []
    for k in range(num_merges):
        stats = {}
        for word, count in vocab.items():
            for pair in zip(word, word[1:]):
                stats[pair] = stats.get(pair, 0) + count
        if not stats:  # every word is a single symbol: nothing left to merge
            break
        # Most frequent pair; ties go to the smallest pair (a, b).
        best = min(stats, key=lambda pair: (-stats[pair], pair))
        merges.append(best)
        merged = {}
        for word, count in vocab.items():
            new_word = _merge(word, best, 256 + k)
            merged[new_word] = merged.get(new_word, 0) + count
        vocab = merged
    return merges


def bpe_encode(word, merges):
    symbols = tuple(word)
    for k, pair in enumerate(merges):  # in the order they were learned
        symbols = _merge(symbols, pair, 256 + k)
    return list(symbols)
