import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, JsonColumn } from '../../database/columns';

/** Append-only audit trail; rows are only removed by the documented retention (`cli cleanup`). */
@Entity('security_events')
@Index('ix_security_events_user_id_created_at', ['userId', 'createdAt'])
@Index('ix_security_events_type_created_at', ['type', 'createdAt'])
@Index('ix_security_events_created_at', ['createdAt'])
export class SecurityEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ type: 'varchar', length: 16 })
  severity: 'info' | 'warning' | 'critical';

  /** The user the event is about; kept after the user is deleted (no foreign key). */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  /** Who acted (an admin for admin actions; the user themself otherwise). */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'ip_address', type: 'varchar', length: 45, nullable: true })
  ipAddress: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId: string | null;

  @JsonColumn({ nullable: true })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON
  details: Record<string, any> | null;

  @CreatedAtColumn()
  createdAt: Date;
}
