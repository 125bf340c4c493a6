// A test-only op that exercises two concepts of the registry before a real op needs them
// (batch normalization will use both): state that is not trained, and behaviour that
// differs between training and inference. `test_moving_center(momentum)` on [B, C]:
//
//   training   y = x − mean_batch(x);  moving_mean ← momentum · moving_mean + (1 − momentum) · mean_batch(x)
//   inference  y = x − moving_mean
//
// (Salimans & Kingma's "mean-only batch normalization"). Its builtin exists only when the
// compiler runs with DLM_TEST_OPS=1: it is not part of the language.
import { layerName, tensor } from "../lang/args.js";
import { composite, type LayerSurface, type OpTable } from "./op.js";
import { rank } from "./kit/shape.js";

export type Names = { primitive: never; composite: "test_moving_center"; train: never };

export type MovingCenterAttrs = { readonly momentum: number };

export const ops: OpTable<Names> = {
  test_moving_center: composite<MovingCenterAttrs>({
    keras: { type: "TestMovingCenter", base: "test_moving_center" },
    shape: (c) => {
      const [, features] = rank(c, 0, 2, "[B, features]");
      return { out: c.inputs[0], params: [[features]] };
    },
    expand: (c) => {
      const [x, moving] = c.inputs;
      const features = c.value(moving).shape;
      const momentum = c.attrs.momentum;
      // Training: centred by the batch's mean, which also moves the moving mean.
      const mean = c.temp("mean", features);
      c.emit("mean", [x], [mean], { axes: [0], keepdims: false }, "train");
      const y = c.temp("", c.shape);
      c.emit("sub", [x, mean], [y], {}, "train");
      const m = c.temp("momentum", []);
      c.emit("constant", [], [m], { value: momentum });
      const m1 = c.temp("rest", []);
      c.emit("constant", [], [m1], { value: 1 - momentum });
      const kept = c.temp("moving_kept", features);
      c.emit("mul", [moving, m], [kept], {}, "train");
      const added = c.temp("batch_part", features);
      c.emit("mul", [mean, m1], [added], {}, "train");
      const next = c.temp("moving_next", features);
      c.emit("add", [kept, added], [next], {}, "train");
      c.update(moving, next);
      // Evaluation and inference: centred by the moving mean.
      const yi = c.temp("inference", c.shape);
      c.emit("sub", [x, moving], [yi], {}, "inference");
      c.inferAs(y, yi);
      return y;
    },
  }),
};

export const surfaces: readonly LayerSurface[] = [
  {
    name: "test_moving_center",
    kind: "layer",
    keras: { type: "TestMovingCenter", base: "test_moving_center" },
    params: true,
    testOnly: true,
    args: [
      tensor("x", "input [B, features]"),
      { name: "momentum", type: { t: "float", min: 0, max: 1 }, default: 0.99, doc: "weight of the old moving mean" },
      layerName,
    ],
    doc: "test only: x minus the batch mean in training (moving the moving mean), minus the moving mean in inference",
    lower: (c) => c.eqn("test_moving_center", [c.x, c.param("moving_mean", "zeros", "[features]", true)], { momentum: c.arg("momentum") }),
  },
];
