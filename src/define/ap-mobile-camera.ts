import { ApMobileCamera } from '../elements/ap-mobile-camera/ap-mobile-camera.js';

if (!customElements.get('ap-mobile-camera')) customElements.define('ap-mobile-camera', ApMobileCamera);

declare global {
  interface HTMLElementTagNameMap {
    'ap-mobile-camera': ApMobileCamera;
  }
}
