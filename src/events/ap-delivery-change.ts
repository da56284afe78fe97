import { ApEvent } from './ap-event.js';
import type { DeliveryProgress } from '../reporting/delivery.js';
/**
 * Where evidence delivery to the results server stands changed: something was acknowledged, set
 * aside, or failed (`detail`: the {@link DeliveryProgress}: counts of records and photos,
 * delivered, refused and `pending`; `done`; `error` while something holds delivery up).
 */
export class ApDeliveryChangeEvent extends ApEvent<DeliveryProgress> {
  static readonly eventName = 'ap-delivery-change';
  constructor(detail: DeliveryProgress) {
    super(ApDeliveryChangeEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'ap-delivery-change': ApDeliveryChangeEvent;
  }
}
