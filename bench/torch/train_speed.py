"""Reference training speed with PyTorch CPU for `npm run bench` (never needed by npm test).

Prints one JSON object: it/s of the two workloads of docs/benchmarks.md's training section —
conv-4 ProtoNet step (64 filters, batch norm, 28x28, 20-way 1-shot, 9 queries = 200 images) and
MAML sinusoid (25 tasks, K=10, 10 queries, 1 inner step at 0.01, second order), Adam 1e-3 —
for each thread count given on the command line.
"""
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv4(filters=64):
    layers = []
    cin = 1
    for _ in range(4):
        layers += [nn.Conv2d(cin, filters, 3, padding=1), nn.BatchNorm2d(filters, eps=1e-3), nn.ReLU(), nn.MaxPool2d(2)]
        cin = filters
    return nn.Sequential(*layers, nn.Flatten())


def its_per_second(step, iters, warmup):
    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(iters):
        step()
    return iters / (time.perf_counter() - t0)


def sine_params(bias_shape):
    """The MLP 1-40-40-1's seeded initial weights (biases shaped [n] or [1, n])."""
    params = [torch.randn(1, 40) * (2 ** 0.5), torch.zeros(*bias_shape(40)), torch.randn(40, 40) * (2 / 40) ** 0.5, torch.zeros(*bias_shape(40)), torch.randn(40, 1) * (1 / 40) ** 0.5, torch.zeros(*bias_shape(1))]
    return [p.requires_grad_() for p in params]


def sine_tasks(B, K):
    """A meta-batch of sinusoid tasks (Finn et al.): support and query points and targets, [B, K, 1]."""
    amp = torch.rand(B, 1, 1) * 4.9 + 0.1
    ph = torch.rand(B, 1, 1) * 3.14159
    xs = torch.rand(B, K, 1) * 10 - 5
    xq = torch.rand(B, K, 1) * 10 - 5
    return xs, amp * torch.sin(xs + ph), xq, amp * torch.sin(xq + ph)


def protonet_its(threads, iters, filters=64):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    net = conv4(filters)
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    ways, shots, queries = 20, 1, 9
    x = torch.rand(ways * (shots + queries), 1, 28, 28)
    yq = torch.arange(ways).repeat_interleave(queries)

    def step():
        f = net(x)
        fs, fq = f[: ways * shots], f[ways * shots:]
        protos = fs.view(ways, shots, -1).mean(1)
        logits = -torch.cdist(fq, protos) ** 2
        loss = F.cross_entropy(logits, yq)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return its_per_second(step, iters, 2)


def maml_batched_its(threads, iters):
    """The same MAML step with the 25 tasks batched (per-task weight copies, bmm): PyTorch's fastest form here."""
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    params = sine_params(lambda n: (1, n))
    opt = torch.optim.Adam(params, 1e-3)
    B, K = 25, 10

    def fwd(p, x):
        h = F.relu(torch.bmm(x, p[0]) + p[1])
        h = F.relu(torch.bmm(h, p[2]) + p[3])
        return torch.bmm(h, p[4]) + p[5]

    def step():
        xs, ys, xq, yq = sine_tasks(B, K)
        tiled = [p.unsqueeze(0).expand(B, *p.shape) for p in params]
        # Sum over tasks of per-task mean losses: each task's inner gradient is its own.
        inner = ((fwd(tiled, xs) - ys) ** 2).mean(dim=(1, 2)).sum()
        g = torch.autograd.grad(inner, tiled, create_graph=True)
        fast = [p - 0.01 * gi for p, gi in zip(tiled, g)]
        loss = ((fwd(fast, xq) - yq) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return its_per_second(step, iters, 5)


def maml_its(threads, iters):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    params = sine_params(lambda n: (n,))
    opt = torch.optim.Adam(params, 1e-3)
    B, K = 25, 10

    def fwd(p, x):
        h = F.relu(x @ p[0] + p[1])
        h = F.relu(h @ p[2] + p[3])
        return h @ p[4] + p[5]

    def step():
        xs, ys, xq, yq = sine_tasks(B, K)
        loss = 0
        for b in range(B):
            l = F.mse_loss(fwd(params, xs[b]), ys[b])
            g = torch.autograd.grad(l, params, create_graph=True)
            fast = [p - 0.01 * gi for p, gi in zip(params, g)]
            loss = loss + F.mse_loss(fwd(fast, xq[b]), yq[b])
        opt.zero_grad()
        (loss / B).backward()
        opt.step()
    return its_per_second(step, iters, 5)


if __name__ == '__main__':
    threads = [int(t) for t in (sys.argv[1:] or ['1', '2'])]
    out = {'torch': torch.__version__, 'protonet': {}, 'maml': {}, 'maml_looped': {}}
    for t in threads:
        out['protonet'][str(t)] = protonet_its(t, 10)
        out['maml'][str(t)] = maml_batched_its(t, 200)
        out['maml_looped'][str(t)] = maml_its(t, 100)
    print(json.dumps(out))
