#pragma once

#include <string>

#include "services/campaign/app/advice_use_cases.h"
#include "services/campaign/app/campaign_use_cases.h"
#include "services/campaign/app/member_sync.h"
#include "services/campaign/app/outcome_use_cases.h"
#include "services/campaign/app/segment_runner.h"
#include "services/campaign/app/segment_use_cases.h"
#include "services/campaign/app/settings_use_cases.h"
#include "services/campaign/app/triggers.h"
#include "services/campaign/storage/member_cache.h"
#include "tests/support/campaign/fake_clock.h"
#include "tests/support/campaign/fake_repositories.h"
#include "tests/support/campaign/fake_upstream_clients.h"
#include "tests/support/fake_transaction.h"

namespace clienttier::campaign::testing {

// Every campaign use case wired as campaign_app.cc wires them, over the in-memory fakes (the
// real MemberCache over the fake member repository).
struct CampaignWorld {
  explicit CampaignWorld(UnixMicros now) : clock(now) {
    outcome_repository.audience = &campaign_repository.audience;
  }

  FakeClock clock;
  clienttier::testing::FakeTransactionRunner transactions;
  clienttier::testing::FakeProcessedEventLog processed;
  FakeSegmentRepository segment_repository;
  FakeCampaignRepository campaign_repository;
  FakeOutcomeRepository outcome_repository;
  FakeMemberRepository member_repository;
  FakeSettingsRepository settings_repository;
  FakeUpstreamClients upstream;
  MemberCache members{transactions, member_repository};

  SegmentRunner runner{transactions, settings_repository, members, clock, CampaignDefaults{}};
  SegmentUseCases segments{transactions, segment_repository, campaign_repository, runner, clock};
  CampaignUseCases campaigns{
      transactions, campaign_repository, segment_repository, settings_repository, segments, runner,
      clock};
  OutcomeUseCases outcomes{transactions, campaign_repository, outcome_repository, runner};
  AdviceUseCases advice{transactions,        member_repository, campaign_repository,
                        settings_repository, &upstream,         clock};
  SettingsUseCases settings{transactions, settings_repository, campaign_repository, runner, clock};
  Triggers triggers{campaign_repository, member_repository, settings_repository, runner, clock};
  MemberSync member_sync{transactions, member_repository, processed, members,
                         triggers,     &upstream,         clock};
};

}  // namespace clienttier::campaign::testing
