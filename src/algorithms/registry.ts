import { createAnil } from './anil';
import { createFomaml } from './fomaml';
import { createMaml } from './maml';
import { createMetasgd } from './metasgd';
import { createProtomaml } from './protomaml';
import { createProtofilm } from './protofilm';
import { createProtonet } from './protonet';
import { createReptile } from './reptile';
import { createTransfer } from './transfer';
import type { AlgoConfig, AlgoName, MetaAlgorithm } from './types';

/** Builds a named algorithm for a model; `classes` sizes transfer's pre-training classifier. */
export function getAlgorithm(name: AlgoName, cfg: AlgoConfig, classes = 0): MetaAlgorithm {
  switch (name) {
    case 'maml':
      return createMaml(cfg);
    case 'fomaml':
      return createFomaml(cfg);
    case 'reptile':
      return createReptile(cfg);
    case 'anil':
      return createAnil(cfg);
    case 'metasgd':
      return createMetasgd(cfg);
    case 'protonet':
      return createProtonet(cfg);
    case 'protomaml':
      return createProtomaml(cfg);
    case 'protofilm':
      return createProtofilm(cfg);
    case 'transfer':
      return createTransfer(cfg, classes);
  }
  throw new Error(`unknown algorithm ${JSON.stringify(name)}`);
}
