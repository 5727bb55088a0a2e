// Preloaded into a registry process (NODE_OPTIONS=--require) to run its JavaScript clock
// SHIFTED_CLOCK_DAYS days ahead: the process then sees what it stored days ago, while the
// database it talks to keeps the real time. What a date-based rule decides can be tested without
// waiting, and without a clock setting in the product.
const offsetMs = Number(process.env.SHIFTED_CLOCK_DAYS ?? 0) * 86_400_000;
const RealDate = Date;
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = ShiftedDate;
