import { defineShapeSuite } from '../lib/shape-suite.ts';

defineShapeSuite('v3');
