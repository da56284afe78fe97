import { describeWebcamCheck } from '../../helpers/webcam-check.js';
describeWebcamCheck('no-face.y4m', 'no_face');
