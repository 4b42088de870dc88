// The 3-node JetStream cluster of the replica-mode tests (it lives in deploy/local so the bench can use it too).
export { startNatsCluster, type NatsCluster, type NatsNode } from '../../deploy/local/nats-cluster.ts';
