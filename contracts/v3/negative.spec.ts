import { defineNegativeSuite } from '../lib/negative-suite.ts';

defineNegativeSuite('v3');
