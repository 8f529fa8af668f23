#!/usr/bin/env node
'use strict';
// The product command: up, down, status, stack, replay, alerts, report.
require('./launch.js')();
