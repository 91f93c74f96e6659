#!/usr/bin/env python3
"""Converts a PyTorch checkpoint (.pt/.pth: a state dict, or a dict holding one) to .safetensors for
`fewshot bundle import-torch`, without the safetensors package (the format is 8 bytes + JSON + raw
little-endian tensors; docs/pytorch.md).

    python3 scripts/torch/to-safetensors.py CHECKPOINT.pt OUT.safetensors [--key state_dict] [--strip-prefix module.]

--key picks a nested dict (e.g. a training checkpoint {'state_dict': ..., 'optimizer': ...});
--strip-prefix drops a prefix from every key (learn2learn's MAML wrapper stores the model as `module.`).
Float tensors keep their dtype if it is float32/float16/bfloat16 (float64 becomes float32).
"""
import argparse
import json
import struct

import torch

DTYPES = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.int64: 'I64', torch.int32: 'I32', torch.uint8: 'U8', torch.bool: 'BOOL'}


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        bits = t.to(torch.float32).view(torch.int32).numpy().astype('<i4')
        return ((bits >> 16) & 0xFFFF).astype('<u2').tobytes()
    a = t.numpy()
    return a.astype(a.dtype.newbyteorder('<')).tobytes()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('checkpoint')
    ap.add_argument('out')
    ap.add_argument('--key', help='nested dict holding the state dict, e.g. state_dict')
    ap.add_argument('--strip-prefix', default='', help='prefix to drop from every key, e.g. module.')
    args = ap.parse_args()
    sd = torch.load(args.checkpoint, map_location='cpu')
    if args.key:
        sd = sd[args.key]
    if hasattr(sd, 'state_dict'):
        sd = sd.state_dict()  # a whole pickled nn.Module
    header, blobs, offset = {}, [], 0
    for name in sorted(sd):
        t = sd[name]
        if not torch.is_tensor(t):
            raise SystemExit(f'{name}: not a tensor ({type(t).__name__}); use --key to pick the state dict')
        if t.dtype == torch.float64:
            t = t.to(torch.float32)
        if t.dtype not in DTYPES:
            raise SystemExit(f'{name}: dtype {t.dtype} not supported')
        key = name[len(args.strip_prefix):] if args.strip_prefix and name.startswith(args.strip_prefix) else name
        data = tensor_bytes(t)
        header[key] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header['__metadata__'] = {'format': 'pt', 'source': args.checkpoint.split('/')[-1]}
    raw = json.dumps(header, separators=(',', ':')).encode('utf-8')
    raw += b' ' * (-len(raw) % 8)
    with open(args.out, 'wb') as f:
        f.write(struct.pack('<Q', len(raw)) + raw + b''.join(blobs))
    print(f'wrote {args.out}: {len(header) - 1} tensors, {offset} bytes of data')


if __name__ == '__main__':
    main()
