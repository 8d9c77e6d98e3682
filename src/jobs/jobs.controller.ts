import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiAuth } from '../common/api-auth.decorator';
import { LargeBody } from '../common/body-limits';
import { CurrentUser } from '../common/decorators';
import { ParseUuidOr404Pipe } from '../common/pipes';
import { Principal } from '../common/principal';
import { ValidatedBody, ValidatedQuery } from '../common/validation';
import { CreateJobDto } from './dto/create-job.dto';
import { JobDetailDto, JobStatsDto, JobSummaryDto } from './dto/job-response.dto';
import { ListJobsQueryDto } from './dto/list-jobs-query.dto';
import { UpdateJobDto } from './dto/update-job.dto';
import { JobsService } from './jobs.service';
import { RequireScope } from '../common/scopes';

const JobRef = () => Param('job_id', new ParseUuidOr404Pipe('Job'));
const JobRefDoc = () =>
  ApiParam({
    name: 'job_id',
    format: 'uuid',
    description: "The job's job_id (its row id is accepted too). Someone else's job is 404.",
  });

/** The job history: a speech worker records jobs (usually with X-API-Key), their owner reads them. */
@ApiTags('jobs')
@ApiAuth()
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post()
  @RequireScope('jobs:write')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Record a new job (status pending)' })
  @ApiCreatedResponse({ type: JobDetailDto })
  @ApiConflictResponse({ description: 'You already have a job with this job_id.' })
  create(@CurrentUser() principal: Principal, @ValidatedBody() dto: CreateJobDto): Promise<JobDetailDto> {
    return this.jobs.create(principal.user.id, dto);
  }

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'List your jobs, newest first (transcripts not included)' })
  @ApiOkResponse({
    type: JobSummaryDto,
    isArray: true,
    headers: {
      'X-Total-Count': { description: 'Number of jobs matching the filters (all pages).', schema: { type: 'integer' } },
    },
  })
  async list(
    @CurrentUser() principal: Principal,
    @ValidatedQuery() query: ListJobsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobSummaryDto[]> {
    const { jobs, total } = await this.jobs.list(principal.user.id, query);
    reply.header('X-Total-Count', String(total));
    return jobs;
  }

  // Declared before `:job_id`; a one-segment parameter cannot match the two segments anyway.
  @Get('stats/summary')
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: 'Statistics over all your jobs',
    description:
      'success_rate is completed / (completed + failed) as a fraction 0..1 rounded to 4 places (0 when none finished).',
  })
  @ApiOkResponse({ type: JobStatsDto })
  stats(@CurrentUser() principal: Principal): Promise<JobStatsDto> {
    return this.jobs.stats(principal.user.id);
  }

  @Get(':job_id')
  @RequireScope('jobs:read')
  @JobRefDoc()
  @ApiOperation({ summary: 'One of your jobs, with its transcript' })
  @ApiOkResponse({ type: JobDetailDto })
  @ApiNotFoundResponse()
  get(@CurrentUser() principal: Principal, @JobRef() ref: string): Promise<JobDetailDto> {
    return this.jobs.get(principal.user.id, ref);
  }

  @Patch(':job_id')
  @LargeBody()
  @RequireScope('jobs:write')
  @JobRefDoc()
  @ApiOperation({
    summary: 'Change the status of one of your jobs',
    description:
      'pending → processing | completed | failed; processing → completed | failed; anything else is 409 INVALID_STATE_TRANSITION. Completing counts toward your usage.',
  })
  @ApiOkResponse({ type: JobDetailDto })
  @ApiConflictResponse({
    description: 'The transition is not allowed from the current status (code INVALID_STATE_TRANSITION).',
  })
  @ApiNotFoundResponse()
  update(
    @CurrentUser() principal: Principal,
    @JobRef() ref: string,
    @ValidatedBody() dto: UpdateJobDto,
  ): Promise<JobDetailDto> {
    return this.jobs.update(principal.user.id, ref, dto);
  }

  @Delete(':job_id')
  @RequireScope('jobs:write')
  @JobRefDoc()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete one of your jobs from the history' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(@CurrentUser() principal: Principal, @JobRef() ref: string): Promise<void> {
    return this.jobs.remove(principal.user.id, ref);
  }
}
