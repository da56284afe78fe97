/** Base of every element event: it bubbles, crosses shadow roots, and carries a typed `detail`. */
export abstract class ApEvent<T> extends Event {
  constructor(
    type: string,
    readonly detail: T,
  ) {
    super(type, { bubbles: true, composed: true });
  }
}
