import { describe, expect, it } from "vitest";
import { formatBar, formatEta, formatPerStep, formatValue, Progress } from "../../runtime/progress.js";

class FakeStream {
  text = "";
  constructor(readonly isTTY: boolean) {}
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

function fakeClock() {
  const clock = { t: 0, now: () => clock.t };
  return clock;
}

/** No line may mention both "test" and "acc" (the trainer's final line is its own). */
function expectNoTestAccLine(text: string): void {
  for (const line of text.split(/[\r\n]/)) expect(/test/i.test(line) && /acc/i.test(line)).toBe(false);
}

describe("progress", () => {
  it("formats bars, ETAs, step times and values like Keras", () => {
    expect(formatBar(1234, 1875)).toBe("1234/1875 [==================>...........]"); // floor(30 · 1234 / 1875) = 19
    expect(formatBar(1875, 1875)).toBe("1875/1875 [==============================]");
    expect(formatBar(7, 1875)).toBe("   7/1875 [..............................]");
    expect(formatEta(12.7)).toBe("12s");
    expect(formatEta(125)).toBe("2:05");
    expect(formatEta(3725)).toBe("1:02:05");
    expect(formatPerStep(0.022)).toBe("22ms/step");
    expect(formatPerStep(2)).toBe("2s/step");
    expect(formatPerStep(0.00031)).toBe("310us/step");
    expect(formatValue(0.23451)).toBe("0.2345");
    expect(formatValue(0.0001234)).toBe("1.2340e-04");
    expect(formatValue(NaN)).toBe("nan");
  });

  it("redraws one line in place on a terminal, throttled, and ends with time per step", () => {
    const stream = new FakeStream(true);
    const clock = fakeClock();
    const p = new Progress({ epochs: 5, steps: 1875, stream, now: clock.now });
    p.startEpoch(1);
    for (let s = 1; s <= 1875; s++) {
      clock.t += 22; // 22 ms per step
      p.update(s, { loss: 0.5, accuracy: 0.9 });
    }
    p.endEpoch({ loss: 0.2345, accuracy: 0.93121 });
    const text = stream.text;
    expect(text.startsWith("Epoch 1/5\n\r")).toBe(true);
    const draws = text.split("\r").length - 1;
    expect(draws).toBeGreaterThan(300); // 41 s at ≤ 10 redraws a second
    expect(draws).toBeLessThanOrEqual(Math.ceil((1875 * 22) / 100) + 2);
    expect(text).toContain("\r   6/1875 [..............................] - ETA: 41s - loss: 0.5000 - accuracy: 0.9000\r");
    expect(text.endsWith("0.9000\r1875/1875 [==============================] - 41s 22ms/step - loss: 0.2345 - accuracy: 0.9312\n")).toBe(
      true,
    );
    expect(text.split("\n")).toHaveLength(3);
    expectNoTestAccLine(text);
  });

  it("pads a shorter redraw to erase the previous line", () => {
    const stream = new FakeStream(true);
    const clock = fakeClock();
    const p = new Progress({ epochs: 1, steps: 10, stream, now: clock.now });
    p.startEpoch(1);
    clock.t = 1000;
    p.update(1, { loss: 123.4567, long_metric_name: 1 });
    clock.t = 2000;
    p.update(2, { loss: 1 });
    const lines = stream.text.split("\r").slice(1);
    expect(lines[1].length).toBe(lines[0].length);
  });

  it("prints exactly one plain line per epoch when not a terminal", () => {
    const stream = new FakeStream(false);
    const clock = fakeClock();
    const p = new Progress({ epochs: 2, steps: 1875, stream, now: clock.now });
    for (let e = 1; e <= 2; e++) {
      p.startEpoch(e);
      for (let s = 1; s <= 1875; s++) {
        clock.t += 22;
        p.update(s, { loss: 1 });
      }
      p.endEpoch({ loss: 0.2345, accuracy: 0.93121, val_loss: 0.3, val_accuracy: 0.9 });
    }
    expect(stream.text).toBe(
      "Epoch 1/2 - 1875 steps - 41.3s - loss: 0.2345 - accuracy: 0.9312 - val_loss: 0.3000 - val_accuracy: 0.9000\n" +
        "Epoch 2/2 - 1875 steps - 41.3s - loss: 0.2345 - accuracy: 0.9312 - val_loss: 0.3000 - val_accuracy: 0.9000\n",
    );
    expect(stream.text).not.toContain("\r");
    expect(stream.text).not.toContain("\x1b");
  });

  it("prints nothing when quiet", () => {
    for (const isTTY of [true, false]) {
      const stream = new FakeStream(isTTY);
      const p = new Progress({ epochs: 1, steps: 3, stream, now: fakeClock().now, quiet: true });
      p.startEpoch(1);
      p.update(1, { loss: 1 });
      p.endEpoch({ loss: 1 });
      expect(stream.text).toBe("");
    }
  });

  it("refuses to print a line with both test and acc", () => {
    const p = new Progress({ epochs: 1, steps: 3, stream: new FakeStream(false), now: fakeClock().now });
    p.startEpoch(1);
    expect(() => p.endEpoch({ test_accuracy: 0.9 })).toThrow(/report test results separately/);
  });
});
