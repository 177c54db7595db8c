import numpy as np


# You may write helper functions here (copy your affine, ReLU and softmax-loss layers:
# each exercise file stands alone).


def two_layer_net(X, y, W1, b1, W2, b2, reg=0.0):
    """A two-layer network: affine -> ReLU -> affine -> softmax cross-entropy, with L2.

    X: (N, D) inputs; y: (N,) int64 labels in 0 … C−1;
    W1: (D, H), b1: (H,), W2: (H, C), b2: (C,); reg: the L2 strength.
    loss = mean softmax cross-entropy + 0.5 · reg · (‖W1‖² + ‖W2‖²) (biases not regularised).
    Returns (loss, (dW1, db1, dW2, db2)): loss a float, each gradient shaped like its parameter.
    """
    raise NotImplementedError
