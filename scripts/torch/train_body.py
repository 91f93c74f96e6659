#!/usr/bin/python3
"""Meta-trains the glyph body (conv-4, 32 filters) with ProtoNets in PyTorch, on the train splits of
glyphs + symbols; icons are never read. Writes a state dict that `fewshot bundle import-torch` reads
(no Python needed there) with scripts/torch/glyphs-v4.spec.json (glyphs-v6.spec.json for --last-pool 1).

Why PyTorch: the same episodes run ~20x faster than tfjs-wasm on this 2-core machine, and importing a
.pth is a path the product supports (docs/pytorch.md). Not needed by CI or `npm test`.

  /usr/bin/python3 scripts/torch/train_body.py --out .cache/v4/body.pth [--resume .cache/v4/body.pth.ckpt]

Episodes: N-way K-shot (K drawn from --shots per episode), hand-drawing styles like src/data/style.ts
(rotation ±20°, slant ±0.3, 80–115 %, ±2 px, pen −1..+2) applied per image, per episode or not at all
(a third each). Validation: glyph validation scripts, 5-way 1-shot and 20-way 1-shot by nearest
centroid with stored batch-norm statistics (what the edge does). Seeded; checkpoints are resumable.
"""
import argparse, gzip, json, math, os, random, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')


def load_domain(name):
    d = os.path.join(ROOT, 'data', name)
    index = json.load(open(os.path.join(d, 'index.json')))
    pix = np.frombuffer(gzip.open(os.path.join(d, 'pixels.u8.gz')).read(), dtype=np.uint8)
    size = index['size']
    return index, pix.reshape(-1, size, size)


def classes_of(index, pix, split):
    return [pix[c['offset']:c['offset'] + c['count']] for c in index['classes'] if c['split'] == split]


class Body(nn.Module):
    """conv3x3(pad 1) -> BN(eps 1e-3, as the bundle's default) -> ReLU -> maxpool 2, four times; 32-d."""

    def __init__(self, filters=32, last_pool=2):
        super().__init__()
        blocks, cin = [], 1
        for i in range(4):
            pool = last_pool if i == 3 else 2
            blocks.append(nn.Sequential(nn.Conv2d(cin, filters, 3, padding=1), nn.BatchNorm2d(filters, eps=1e-3), nn.ReLU(), nn.MaxPool2d(pool)))
            cin = filters
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x):
        return self.blocks(x).flatten(1)


def widen(state, filters, gen):
    """Net2WiderNet (Chen et al. 2016) for the conv-4 body: each block's channels duplicated up to
    `filters` (new channel j copies j mod old), the next conv's input weights shared among the copies,
    so the wider body computes the same features (the embedding's duplicates scale every squared
    distance by the same factor: same nearest centroids). Small noise breaks the symmetry."""
    out, prev = {}, None
    for i in range(4):
        w, b = state[f'blocks.{i}.0.weight'], state[f'blocks.{i}.0.bias']
        old = w.shape[0]
        src = torch.arange(filters) % old
        if prev is not None:
            w = w[:, prev] / torch.bincount(prev, minlength=w.shape[1])[prev].float()[None, :, None, None]
        w = w[src]
        out[f'blocks.{i}.0.weight'] = w + 1e-3 * w.std() * torch.randn(w.shape, generator=gen)
        out[f'blocks.{i}.0.bias'] = b[src]
        for k in ('weight', 'bias', 'running_mean', 'running_var'):
            out[f'blocks.{i}.1.{k}'] = state[f'blocks.{i}.1.{k}'][src]
        out[f'blocks.{i}.1.num_batches_tracked'] = state[f'blocks.{i}.1.num_batches_tracked']
        prev = src
    return out


def style_params(n, gen):
    u = lambda lo, hi: lo + (hi - lo) * torch.rand(n, generator=gen)
    widths = torch.tensor([-1, 0, 1, 1, 2])[torch.randint(0, 5, (n,), generator=gen)]
    return u(-20, 20) * math.pi / 180, u(-0.3, 0.3), u(0.8, 1.15), u(-2, 2), u(-2, 2), widths


def apply_styles(x, params):
    """x [n,1,28,28] in [0,1]; the affine about the centre (bilinear, zeros outside), then the pen width."""
    rot, shear, scale, dx, dy, width = params
    n, size = x.shape[0], x.shape[-1]
    cos, sin = torch.cos(rot), torch.sin(rot)
    # Forward map: A = R·S·scale; grid_sample takes the inverse map in normalised coordinates.
    a = torch.stack([torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2)
    sh = torch.stack([torch.stack([torch.ones(n), shear], -1), torch.stack([torch.zeros(n), torch.ones(n)], -1)], -2)
    fwd = a @ sh * scale[:, None, None]
    inv = torch.linalg.inv(fwd)
    t = torch.stack([dx, dy], -1) * (2 / size)
    theta = torch.cat([inv, (-inv @ t[:, :, None])], -1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    y = F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)
    cross = torch.tensor([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=torch.bool)
    def morph(img, dilate):
        p = F.unfold(img, 3, padding=1).view(img.shape[0], 9, size, size)[:, cross.flatten()]
        return (p.max(1).values if dilate else p.min(1).values)[:, None]
    out = y.clone()
    for w in (-1, 1, 2):
        m = width == w
        if m.any():
            z = y[m]
            for _ in range(abs(w)):
                z = morph(z, w > 0)
            out[m] = z
    return out


def episode(classes, ways, shots, queries, rng, gen, style):
    picks = rng.sample(range(len(classes)), ways)
    xs = []
    for c in picks:
        imgs = classes[c]
        idx = rng.sample(range(len(imgs)), shots + queries)
        xs.append(torch.from_numpy(imgs[idx].astype(np.float32) / 255))
    x = torch.stack(xs)[:, :, None]  # [ways, s+q, 1, 28, 28]
    flat = x.view(-1, 1, 28, 28)
    if style == 'image':
        flat = apply_styles(flat, style_params(flat.shape[0], gen))
    elif style == 'episode':
        p = style_params(1, gen)
        flat = apply_styles(flat, tuple(v.expand(flat.shape[0]) for v in p))
    return flat.view(ways, shots + queries, 1, 28, 28)


def junk_images(n, gen):
    """Images that are no character: constant (any grey), uniform noise, salt noise, smooth blots."""
    size, out = 28, []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            img = torch.full((1, size, size), float(torch.rand(1, generator=gen)))
            if i % 8 == 0:
                img.fill_(float(torch.randint(0, 2, (1,), generator=gen)))
        elif kind == 1:
            img = torch.rand(1, size, size, generator=gen)
        elif kind == 2:
            img = (torch.rand(1, size, size, generator=gen) < 0.05 + 0.5 * float(torch.rand(1, generator=gen))).float()
        else:
            low = torch.rand(1, 1, 7, 7, generator=gen)
            img = (F.interpolate(low, size=size, mode='bilinear', align_corners=False)[0] > 0.5).float()
        out.append(img)
    return torch.stack(out)


def proto_loss(model, x, shots, junk=None, junk_margin=2.0, junk_weight=1.0):
    ways, per = x.shape[:2]
    z = model(x.view(-1, 1, 28, 28)).view(ways, per, -1)
    protos = z[:, :shots].mean(1)
    q = z[:, shots:].reshape(-1, z.shape[-1])
    logits = -torch.cdist(q, protos).pow(2)
    y = torch.arange(ways).repeat_interleave(per - shots)
    loss = F.cross_entropy(logits, y)
    if junk is not None:
        # Outlier exposure for "none of these": the junk's nearest prototype must be at least junk_margin
        # times as far (squared) as the furthest real query from its own. The junk runs through the stored batch-norm
        # statistics (eval mode), as at the edge, so it never enters the running statistics.
        model.eval()
        zj = model(junk)
        model.train()
        own = (-logits.gather(1, y[:, None])).detach().max()
        nearest = torch.cdist(zj, protos).pow(2).min(1).values
        loss = loss + junk_weight * F.relu(junk_margin * own - nearest).mean() / own.clamp_min(1e-6)
    return loss, (logits.argmax(1) == y).float().mean().item()


@torch.no_grad()
def evaluate(model, classes, ways, shots, episodes, seed):
    model.eval()
    rng, gen = random.Random(seed), torch.Generator().manual_seed(seed)
    accs = []
    for _ in range(episodes):
        x = episode(classes, ways, shots, 15, rng, gen, 'none')
        accs.append(proto_loss(model, x, shots)[1])
    model.train()
    a = np.array(accs) * 100
    return a.mean(), 1.96 * a.std(ddof=1) / math.sqrt(len(a))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--domains', default='glyphs,symbols')
    ap.add_argument('--iterations', type=int, default=30000)
    ap.add_argument('--ways', type=int, default=30)
    ap.add_argument('--shots', default='1,2,5')
    ap.add_argument('--queries', type=int, default=5)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--filters', type=int, default=32)
    ap.add_argument('--last-pool', type=int, default=2, choices=(1, 2, 3),
                    help="the last block's max pool: 2 keeps the top-left 2x2 of its 3x3 map (32-d), 3 pools all of it (32-d), 1 none (3x3x32 = 288-d)")
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--val-every', type=int, default=2000)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--rotations', type=int, default=1, choices=(1, 4),
                    help='4: each train class also drawn turned 90/180/270 degrees, as three new classes (Snell et al. 2017)')
    ap.add_argument('--junk', type=int, default=0, help='junk images per episode for outlier exposure (0: none)')
    ap.add_argument('--junk-margin', type=float, default=2.0)
    ap.add_argument('--junk-weight', type=float, default=1.0)
    ap.add_argument('--init', help='start from this state dict (a body .pth) with a fresh optimizer and schedule; a narrower one is widened to --filters (Net2WiderNet)')
    ap.add_argument('--resume')
    ap.add_argument('--stop-after', type=int, help='stop after this iteration (a leg of a longer schedule; resume later)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train = []
    for name in a.domains.split(','):
        if name == 'icons':
            sys.exit('icons is the held-out domain: never trained on')
        index, pix = load_domain(name)
        train += classes_of(index, pix, 'train')
    if a.rotations == 4:
        train = [np.ascontiguousarray(np.rot90(c, r, axes=(1, 2))) for c in train for r in range(4)]
    gi, gp = load_domain('glyphs')
    val = classes_of(gi, gp, 'validation')
    shots = [int(s) for s in a.shots.split(',')]
    model = Body(a.filters, a.last_pool)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda it: 0.5 * (1 + math.cos(math.pi * min(it, a.iterations) / a.iterations)))
    start, best, log = 0, -1.0, []
    if a.init:
        state = torch.load(a.init)
        if state['blocks.0.0.weight'].shape[0] < a.filters:
            state = widen(state, a.filters, torch.Generator().manual_seed(a.seed))
        model.load_state_dict(state)
    if a.resume:
        ck = torch.load(a.resume)
        model.load_state_dict(ck['model']); opt.load_state_dict(ck['opt']); sched.load_state_dict(ck['sched'])
        start, best, log = ck['it'], ck['best'], ck['log']
    t0 = time.time()
    for it in range(start, a.iterations):
        # Batches depend on (seed, iteration) only, so a resumed run draws the same episodes.
        rng, gen = random.Random(a.seed * 1_000_003 + it), torch.Generator().manual_seed(a.seed * 1_000_003 + it)
        k = shots[it % len(shots)]
        style = ('none', 'episode', 'image')[it % 3]
        junk = junk_images(a.junk, gen) if a.junk else None
        loss, acc = proto_loss(model, episode(train, a.ways, k, a.queries, rng, gen, style), k, junk, a.junk_margin, a.junk_weight)
        opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        done = it + 1
        if done % a.val_every == 0 or done == a.iterations:
            v1 = evaluate(model, val, 5, 1, 300, 7)
            v20 = evaluate(model, val, 20, 1, 100, 8)
            log.append({'it': done, 'val5w1s': v1[0], 'val20w1s': v20[0], 'sec': round(time.time() - t0)})
            print(json.dumps(log[-1]), flush=True)
            if v20[0] > best:
                best = v20[0]
                torch.save(model.state_dict(), a.out)
            torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'sched': sched.state_dict(), 'it': done, 'best': best, 'log': log}, a.out + '.ckpt')
        if a.stop_after and done >= a.stop_after:
            # A leg may end between validations: checkpoint where it stops so --resume continues from here.
            torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'sched': sched.state_dict(), 'it': done, 'best': best, 'log': log}, a.out + '.ckpt')
            print(json.dumps({'stopped_after': done}))
            return
    print(json.dumps({'best_val20w1s': best, 'iterations': a.iterations, 'sec': round(time.time() - t0)}))


if __name__ == '__main__':
    main()
