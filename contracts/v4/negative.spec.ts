import { defineNegativeSuite } from '../lib/negative-suite.ts';

defineNegativeSuite('v4');
