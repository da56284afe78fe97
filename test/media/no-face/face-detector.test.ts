import { describeCameraFaces } from '../../helpers/camera-detection.js';
describeCameraFaces('no-face.y4m (coffee)', 0);
