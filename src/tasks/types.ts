/** One side of a task: n examples, inputs row-major [n, inputSize], targets [n] (regression) or labels [n]. */
export interface TaskSet {
  x: Float32Array;
  y: Float32Array | Int32Array;
  n: number;
}

/** A regression task (sinusoid): y holds targets. */
export interface RegressionTask {
  kind: 'regression';
  support: TaskSet & { y: Float32Array };
  query: TaskSet & { y: Float32Array };
  amplitude?: number;
  phase?: number;
}

/** An N-way K-shot classification episode: y holds labels 0..ways−1. */
export interface ClassificationTask {
  kind: 'classification';
  ways: number;
  /** Dataset class id of each label (transfer pre-training maps labels to these). */
  classIds?: number[];
  support: TaskSet & { y: Int32Array };
  query: TaskSet & { y: Int32Array };
}

export type Task = RegressionTask | ClassificationTask;

/** A seeded stream of tasks. */
export interface TaskSource<T extends Task = Task> {
  next(): T;
}

/** Train/validation/test task streams of one distribution. */
export interface TaskSplits<T extends Task = Task> {
  name: string;
  kind: T['kind'];
  /** Shape of one example, e.g. [1] or [28, 28, 1]. */
  inputShape: number[];
  train: TaskSource<T>;
  validation: TaskSource<T>;
  test: TaskSource<T>;
}
