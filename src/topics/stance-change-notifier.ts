import { Injectable } from '@nestjs/common';

export type StanceChangeListener = (change: { topicId: number }) => void;

/**
 * Tells whoever listens (the classifier's rescoring) that a topic has a new stance version, once the change
 * is committed, so that topics need not know who rescores.
 */
@Injectable()
export class StanceChangeNotifier {
  private readonly listeners: StanceChangeListener[] = [];

  subscribe(listener: StanceChangeListener): void {
    this.listeners.push(listener);
  }

  notify(topicId: number): void {
    for (const listener of this.listeners) listener({ topicId });
  }
}
