def bpe_train(words, counts, num_merges):
    """Learn byte-pair-encoding merges from a word-frequency table.

    words: a list of tuples of ints, each word as its byte values (0 … 255);
    counts: a list of ints, how often each word occurs; num_merges: an int.
    Returns a list of pairs (a, b), in the order learned; merge k creates the new
    symbol 256 + k. Each step merges the most frequent adjacent pair (occurrences
    weighted by word counts), ties going to the smallest pair; stop early when no
    word has two symbols left.
    """
    raise NotImplementedError


def bpe_encode(word, merges):
    """Encode one word (a tuple of byte values) with learned merges: apply merge k,
    which makes symbol 256 + k, in the order learned. Returns a list of ints."""
    raise NotImplementedError
