import { describeWebcamCheck } from '../../helpers/webcam-check.js';
describeWebcamCheck('two-faces.y4m', 'multiple_faces');
