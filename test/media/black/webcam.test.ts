import { describeWebcamCheck } from '../../helpers/webcam-check.js';
describeWebcamCheck('black.y4m', 'black');
