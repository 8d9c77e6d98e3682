import { Injectable } from '@nestjs/common';

/** The time source of every rule that depends on time (lockout, windows, grace periods); tests replace it. */
@Injectable()
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  /** Test helper: moves this clock forward without waiting. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
