import { describeCameraFaces } from '../../helpers/camera-detection.js';
describeCameraFaces('one-face.y4m', 1);
