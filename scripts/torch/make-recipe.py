#!/usr/bin/env python3
"""The transfer recipe fewshot-edge grew from, as a fixture (test/fixtures/torch/recipe/, committed: CI has no torch).

    /usr/bin/python3 scripts/torch/make-recipe.py

1. Pre-train a Linear(10, 1) regressor on a base task and save it the usual way:
       torch.save(pretrained_model.state_dict(), 'pretrained_model.pth')
2. One user's few examples of a related task (support: 8 inputs, targets; queries: 4 inputs), and
   the recipe's per-user fine-tuning, verbatim:
       model.load_state_dict(torch.load('pretrained_model.pth'))
       optimizer = optim.Adam(model.parameters(), lr=0.01); criterion = nn.MSELoss()
       5 x (zero_grad, loss = criterion(model(x), y), backward, step)
recipe.json holds the data and PyTorch's numbers: predictions on the queries before and after the
5 steps and the loss before each step; test/node/pytorch-recipe.test.ts checks ours against them.
The same data as API requests for docs/pytorch.md §1: examples/torch/recipe-adapt.json (user
alice's support set) and examples/torch/recipe-predict.json (her queries).
"""
import json
import os

import torch
from torch import nn, optim

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'torch', 'recipe')


def main():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(24)
    w_base = torch.randn(10, 1, generator=g)
    x_base = torch.randn(256, 10, generator=g)
    y_base = x_base @ w_base + 0.5 + 0.05 * torch.randn(256, 1, generator=g)

    torch.manual_seed(0)
    pretrained_model = nn.Linear(10, 1)
    pre = optim.SGD(pretrained_model.parameters(), lr=0.05)
    for _ in range(200):
        pre.zero_grad()
        nn.MSELoss()(pretrained_model(x_base), y_base).backward()
        pre.step()
    path = os.path.join(OUT, 'pretrained_model.pth')
    torch.save(pretrained_model.state_dict(), path)

    # The user's task: the base relation, shifted and partly re-weighted.
    w_user = w_base + 0.3 * torch.randn(10, 1, generator=g)
    x = torch.randn(8, 10, generator=g)
    y = x @ w_user + 1.0
    queries = torch.randn(4, 10, generator=g)

    model = nn.Linear(10, 1)
    model.load_state_dict(torch.load(path))
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    with torch.no_grad():
        before = model(queries)
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        after = model(queries)
        final = criterion(model(x), y).item()

    with open(os.path.join(OUT, 'recipe.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'optimizer': 'adam', 'lr': 0.01, 'steps': 5,
                   'support': {'inputs': x.tolist(), 'targets': y.reshape(-1).tolist()}, 'queries': queries.tolist(),
                   'before': before.reshape(-1).tolist(), 'after': after.reshape(-1).tolist(), 'lossBefore': losses[0], 'lossAfter': final,
                   'losses': losses}, f, indent=1)
        f.write('\n')
    with open(os.path.join(ROOT, 'examples', 'torch', 'recipe-adapt.json'), 'w') as f:
        json.dump({'user': 'alice', 'support': {'inputs': x.tolist(), 'labels': y.reshape(-1).tolist()}}, f)
        f.write('\n')
    with open(os.path.join(ROOT, 'examples', 'torch', 'recipe-predict.json'), 'w') as f:
        json.dump({'user': 'alice', 'inputs': queries.tolist()}, f)
        f.write('\n')


if __name__ == '__main__':
    main()
