import { BundleError } from '../../src/bundle/index';

/** The BundleError `f` throws (any other error is rethrown; no error fails the test). */
export function refusal(f: () => unknown): BundleError {
  try {
    f();
  } catch (e) {
    if (e instanceof BundleError) return e;
    throw e;
  }
  throw new Error('expected a BundleError');
}
