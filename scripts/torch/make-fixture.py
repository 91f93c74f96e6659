#!/usr/bin/env python3
"""Writes the PyTorch import fixtures in test/fixtures/torch/ (committed: CI has no torch).

    /usr/bin/python3 scripts/torch/make-fixture.py

Two eval-mode models with seeded random weights and non-trivial batch-norm running statistics:
  cnn4  - learn2learn's CNN4 layout (features.N.{conv,normalize}, classifier): 2 conv blocks on
          3x12x12 inputs, 8 filters, then a linear layer over the NCHW flatten. Stored as F32.
  omniglotcnn - learn2learn's OmniglotCNN layout (hidden 8): 4 x (3x3 conv, stride 2, padding 1 ->
          BatchNorm2d -> ReLU), mean over H and W, classifier; its state dict holds every conv/bn
          twice (base.N.* and features.1.N.*: the same modules reached by two paths). F32.
  mlp   - Linear-BatchNorm1d-ReLU-Linear-ReLU-Linear named net.0 ... net.5. Weights rounded through
          bfloat16 and stored as BF16, batch-norm statistics rounded through float16 and stored as
          F16, so PyTorch's outputs (computed in float32 from the rounded values) are exact targets.
Also l2l-keys.json: the state-dict keys and shapes of learn2learn's CNN4(output_size=5) (=
MiniImagenetCNN(5): hidden 64, 84x84x3), OmniglotCNN(output_size=5) (hidden 64) and of the Convnet in learn2learn's
examples/vision/protonet_miniimagenet.py, rebuilt here with the same module names, so the example
import specs in examples/torch/ are checked against them without torch or a checkpoint.
For each model: <name>.safetensors (written by hand with struct + json: no safetensors package needed),
<name>.pth (the same state dict as torch.save writes it: zip format) and <name>.json = {inputs (NCHW,
as PyTorch takes them), outputs}. num_batches_tracked (I64) stays in the files, as in any real state dict.
Checkpoint shapes the .pth reader must handle (src/bundle/torch-checkpoint.ts), each with the same cnn4 weights:
  cnn4-train.pt  - a training checkpoint {'epoch', 'state_dict' (keys prefixed 'module.', as
                   DataParallel or learn2learn's MAML wrapper leave them), 'optimizer' (Adam state)}
  cnn4-legacy.pt - the pre-1.6 format (_use_new_zipfile_serialization=False)
  views.pth + views.json - tensors that are views: a transpose (non-contiguous strides), a slice at
                   an offset into a storage another tensor shares, an F64 tensor; views.json holds
                   each tensor's values in row-major order.
  hostile.pth    - a pickle whose object is os.system('echo …') (what torch.load without
                   weights_only would run); the reader must refuse it by name. Never load it with torch.
"""
import json
import os
import struct

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'torch')
DTYPES = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.int64: 'I64'}


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        # numpy has no bfloat16: take the top 16 bits of each float32 (exact, t is already bf16).
        bits = t.to(torch.float32).view(torch.int32).numpy().astype('<i4')
        return ((bits >> 16) & 0xFFFF).astype('<u2').tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder('<')).tobytes()


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name]
        data = tensor_bytes(t)
        header[name] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header['__metadata__'] = metadata
    raw = json.dumps(header, separators=(',', ':')).encode('utf-8')
    raw += b' ' * (-len(raw) % 8)  # the format pads the header with spaces to 8 bytes
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(raw)) + raw + b''.join(blobs))


def randomize_bn(bn, g):
    with torch.no_grad():
        bn.weight.copy_(torch.rand(bn.num_features, generator=g) + 0.5)
        bn.bias.copy_(torch.randn(bn.num_features, generator=g) * 0.3)
        bn.running_mean.copy_(torch.randn(bn.num_features, generator=g) * 0.5)
        bn.running_var.copy_(torch.rand(bn.num_features, generator=g) * 1.5 + 0.25)
        bn.num_batches_tracked.fill_(1000)


class ConvBlock(nn.Module):
    """learn2learn.vision.models.cnn4.ConvBlock with max_pool=True (attribute names matter: they are the keys)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.max_pool = nn.MaxPool2d(kernel_size=(2, 2), stride=(2, 2), ceil_mode=False)
        self.normalize = nn.BatchNorm2d(cout, affine=True)
        self.relu = nn.ReLU()
        self.conv = nn.Conv2d(cin, cout, (3, 3), stride=(1, 1), padding=1, bias=True)

    def forward(self, x):
        return self.max_pool(self.relu(self.normalize(self.conv(x))))


class CNN4(nn.Module):
    def __init__(self, channels=3, hidden=8, layers=2, size=12, out=5):
        super().__init__()
        self.features = nn.Sequential(*[ConvBlock(channels if i == 0 else hidden, hidden) for i in range(layers)])
        side = size // (2 ** layers)
        self.classifier = nn.Linear(hidden * side * side, out)

    def forward(self, x):
        return self.classifier(self.features(x).reshape(x.size(0), -1))


def save(name, model, inputs, tensors, note):
    model.eval()
    with torch.no_grad():
        outputs = model(inputs)
    write_safetensors(os.path.join(OUT, f'{name}.safetensors'), tensors, {'format': 'pt', 'note': note})
    torch.save(tensors, os.path.join(OUT, f'{name}.pth'))
    with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'inputShape': list(inputs.shape[1:]), 'inputs': inputs.reshape(inputs.size(0), -1).tolist(),
                   'outputs': outputs.tolist()}, f)
        f.write('\n')


class StridedBlock(nn.Module):
    """learn2learn ConvBlock with max_pool=False: the conv strides by 2 instead (max_pool is then a plain lambda, no keys)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.max_pool = lambda x: x
        self.normalize = nn.BatchNorm2d(cout, affine=True)
        self.relu = nn.ReLU()
        self.conv = nn.Conv2d(cin, cout, (3, 3), stride=(2, 2), padding=1, bias=True)

    def forward(self, x):
        return self.max_pool(self.relu(self.normalize(self.conv(x))))


class Fn(nn.Module):
    """learn2learn.nn.Lambda: a parameter-free function as a module."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class OmniglotCNN(nn.Module):
    """learn2learn.vision.models.OmniglotCNN: base registered twice (self.base and inside self.features)."""

    def __init__(self, output_size=5, hidden_size=64, layers=4):
        super().__init__()
        self.base = nn.Sequential(*[StridedBlock(1 if i == 0 else hidden_size, hidden_size) for i in range(layers)])
        self.features = nn.Sequential(Fn(lambda x: x.view(-1, 1, 28, 28)), self.base, Fn(lambda x: x.mean(dim=[2, 3])), nn.Flatten())
        self.classifier = nn.Linear(hidden_size, output_size, bias=True)

    def forward(self, x):
        return self.classifier(self.features(x))


class ProtoConvnet(nn.Module):
    """The Convnet of learn2learn's examples/vision/protonet_miniimagenet.py (encoder.N.{0: conv, 1: bn})."""

    def __init__(self, x_dim=3, hid_dim=64, z_dim=64):
        super().__init__()
        block = lambda i, o: nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(), nn.MaxPool2d(2))
        self.encoder = nn.Sequential(block(x_dim, hid_dim), block(hid_dim, hid_dim), block(hid_dim, hid_dim), block(hid_dim, z_dim))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)

    cnn = CNN4()
    for block in cnn.features:
        randomize_bn(block.normalize, g)
    save('cnn4', cnn, torch.randn(4, 3, 12, 12, generator=g), cnn.state_dict(), 'learn2learn CNN4 layout, hidden 8, 2 layers, 3x12x12')

    omni = OmniglotCNN(output_size=5, hidden_size=8)
    for block in omni.base:
        randomize_bn(block.normalize, g)
    save('omniglotcnn', omni, torch.rand(3, 1, 28, 28, generator=g), omni.state_dict(), 'learn2learn OmniglotCNN layout, hidden 8')

    mlp = nn.Module()
    mlp.net = nn.Sequential(nn.Linear(10, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 3))
    mlp.forward = lambda x: mlp.net(x)
    randomize_bn(mlp.net[1], g)
    stored = {}
    with torch.no_grad():
        for k, v in mlp.state_dict().items():
            if k.endswith('num_batches_tracked'):
                stored[k] = v
            elif 'running_' in k:
                stored[k] = v.to(torch.float16)
            else:
                stored[k] = v.to(torch.bfloat16)
            if v.is_floating_point():
                v.copy_(stored[k].to(torch.float32))  # PyTorch computes with exactly the stored values
    save('mlp', mlp, torch.randn(6, 10, generator=g), stored, 'MLP, BF16 weights, F16 batch-norm statistics')

    write_checkpoints(cnn)

    keys = {name: {k: list(v.shape) for k, v in m.state_dict().items()} for name, m in
            [('cnn4', CNN4(channels=3, hidden=64, layers=4, size=84, out=5)), ('omniglotcnn', OmniglotCNN()), ('protonet-convnet', ProtoConvnet())]}
    with open(os.path.join(OUT, 'l2l-keys.json'), 'w') as f:
        json.dump(keys, f, indent=1)
        f.write('\n')


class Hostile:
    """What a malicious checkpoint holds: unpickling it calls os.system (harmless text here)."""

    def __reduce__(self):
        return (os.system, ('echo this checkpoint ran a shell command',))


def write_checkpoints(cnn):
    sd_before = {k: v.clone() for k, v in cnn.state_dict().items()}
    opt = torch.optim.Adam(cnn.parameters(), lr=0.01)
    cnn.train()
    loss = cnn(torch.randn(2, 3, 12, 12, generator=torch.Generator().manual_seed(3))).square().mean()
    loss.backward()
    opt.step()  # fills the optimizer state (exp_avg, exp_avg_sq, step) without changing sd: it was cloned below
    torch.save({'epoch': 3, 'state_dict': {f'module.{k}': v for k, v in sd_before.items()}, 'optimizer': opt.state_dict()}, os.path.join(OUT, 'cnn4-train.pt'))
    torch.save(sd_before, os.path.join(OUT, 'cnn4-legacy.pt'), _use_new_zipfile_serialization=False)

    g = torch.Generator().manual_seed(4)
    base = torch.randn(6, 4, generator=g)
    shared = torch.randn(10, generator=g)
    views = {
        'transposed': base.t(),  # [4, 6] with strides (1, 4)
        'slice': shared[3:7],  # offset 3 into a storage 'whole' shares
        'whole': shared,
        'double': torch.randn(2, 3, generator=g, dtype=torch.float64),
        'half': torch.randn(5, generator=g).to(torch.float16),
    }
    torch.save(views, os.path.join(OUT, 'views.pth'))
    with open(os.path.join(OUT, 'views.json'), 'w') as f:
        json.dump({k: {'shape': list(v.shape), 'values': v.to(torch.float32).reshape(-1).tolist()} for k, v in views.items()}, f)
        f.write('\n')
    torch.save({'weight': torch.zeros(1), 'payload': Hostile()}, os.path.join(OUT, 'hostile.pth'))


if __name__ == '__main__':
    main()
