import type { PolicyDocument } from '../policy/types.js';

/** A policy with one subprocessor of every kind, for the transfer tests. */
export const TRANSFER_POLICY: PolicyDocument = {
  version: 'transfers-1',
  transfers: { internalHosts: ['*.internal.platform.example'] },
  subprocessors: {
    mailer: {
      purposes: ['provide', 'support'],
      hosts: ['api.mailer.eu', '*.mailer.eu'],
      country: 'DE',
    },
    'video-us': { purposes: ['provide'], hosts: ['upload.videohost.com'], country: 'US' },
    'video-dpf': {
      purposes: ['provide'],
      hosts: ['api.dpfvideo.com'],
      country: 'US',
      dpfCertified: true,
    },
    'crm-ca-public': {
      purposes: ['support'],
      hosts: ['crm.gov.ca.example'],
      country: 'CA',
      sector: 'public',
    },
    'crm-ca': {
      purposes: ['support'],
      hosts: ['crm.ca.example'],
      country: 'CA',
      sector: 'commercial',
    },
    'uk-analytics': { purposes: ['improve'], hosts: ['stats.uk.example'], country: 'GB' },
    'in-support': {
      purposes: ['support'],
      hosts: ['desk.in.example'],
      country: 'IN',
      transfer: { mechanism: 'scc', reference: 'SCC-2026-07 module 3' },
    },
    'in-nosafeguard': { purposes: ['support'], hosts: ['chat.in.example'], country: 'IN' },
    epo: { purposes: ['provide'], hosts: ['api.epo.example'], country: 'INT', organisation: 'epo' },
  },
};
