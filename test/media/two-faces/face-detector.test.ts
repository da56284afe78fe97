import { describeCameraFaces } from '../../helpers/camera-detection.js';
describeCameraFaces('two-faces.y4m', 2);
