import { describeWebcamCheck } from '../../helpers/webcam-check.js';
describeWebcamCheck('one-face.y4m', 'succeeded');
