// Docker.DotNet's model properties are all nullable; these tests build the specs whole, so every path is set.
#pragma warning disable CS8602, CS8604
using System;
using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;
using SwarmPS.Engine.Workloads;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>How settings change a service spec, and the field-by-field difference -WhatIf shows.</summary>
    public sealed class ServiceSpecEditorTests
    {
        [Fact]
        public void Apply_Replicas_ChangesOnlyTheCount_AndLeavesTheOriginalAlone()
        {
            ServiceSpec current = Web();

            ServiceSpec after = ServiceSpecEditor.Apply(current, new ContainerSettings { Replicas = 3 });

            Assert.Equal(1UL, current.Mode.Replicated.Replicas);
            Assert.Equal(3UL, after.Mode.Replicated.Replicas);
            FieldChange change = Assert.Single(ServiceSpecEditor.Compare(current, after));
            Assert.Equal("Replicas: 1 -> 3", change.ToString());
        }

        [Fact]
        public void Apply_TheSameImageWithoutTagOrDigest_IsNoChange_AndKeepsThePinnedDigest()
        {
            ServiceSpec current = Web();
            current.TaskTemplate.ContainerSpec.Image = "swarmps/web:latest@sha256:0123abcd";

            ServiceSpec after = ServiceSpecEditor.Apply(current, new ContainerSettings { Image = "swarmps/web" });

            Assert.Empty(ServiceSpecEditor.Compare(current, after));
            Assert.Equal("swarmps/web:latest@sha256:0123abcd", after.TaskTemplate.ContainerSpec.Image);
        }

        [Fact]
        public void Apply_ANewImage_IsOneChange()
        {
            ServiceSpec after = ServiceSpecEditor.Apply(Web(), new ContainerSettings { Image = "swarmps/web:v2" });

            Assert.Equal("Image: swarmps/web:v1 -> swarmps/web:v2", Assert.Single(ServiceSpecEditor.Compare(Web(), after)).ToString());
        }

        [Fact]
        public void Apply_Environment_AddsChangesAndRemovesByName()
        {
            ServiceSpec current = Web();
            current.TaskTemplate.ContainerSpec.Env = new List<string> { "MODE=one", "DEBUG=1", "KEEP=yes" };

            ServiceSpec after = ServiceSpecEditor.Apply(current, new ContainerSettings
            {
                SetEnvironment = new Dictionary<string, string> { ["MODE"] = "two", ["NEW"] = "x=y" },
                RemoveEnvironment = new[] { "DEBUG" },
            });

            Assert.Equal(new[] { "KEEP=yes", "MODE=two", "NEW=x=y" }, after.TaskTemplate.ContainerSpec.Env.OrderBy(e => e, StringComparer.Ordinal));
            Assert.Equal(
                new[] { "Env MODE: one -> two", "Env NEW: (none) -> x=y", "Env DEBUG: 1 -> (none)" },
                ServiceSpecEditor.Compare(current, after).Select(c => c.ToString()));
        }

        [Fact]
        public void Apply_ResourcesHealthRestartAndUpdatePolicy_MapToSwarmsFields()
        {
            ServiceSpec after = ServiceSpecEditor.Apply(Web(), new ContainerSettings
            {
                ReserveCpu = 0.5,
                ReserveMemory = 64L * 1024 * 1024,
                LimitCpu = 2,
                LimitMemory = 1L << 30,
                HealthCommand = "wget -q -O /dev/null http://localhost/",
                HealthInterval = TimeSpan.FromSeconds(5),
                HealthRetries = 3,
                RestartCondition = "on-failure",
                RestartMaxAttempts = 4,
                UpdateParallelism = 1,
                UpdateOrder = "start-first",
                UpdateFailureAction = "rollback",
                UpdateMonitor = TimeSpan.FromSeconds(10),
            });

            Assert.Equal(500_000_000L, after.TaskTemplate.Resources.Reservations.NanoCPUs);
            Assert.Equal(64L * 1024 * 1024, after.TaskTemplate.Resources.Reservations.MemoryBytes);
            Assert.Equal(2_000_000_000L, after.TaskTemplate.Resources.Limits.NanoCPUs);
            Assert.Equal(1L << 30, after.TaskTemplate.Resources.Limits.MemoryBytes);
            Assert.Equal(new[] { "CMD-SHELL", "wget -q -O /dev/null http://localhost/" }, after.TaskTemplate.ContainerSpec.Healthcheck.Test);
            Assert.Equal(TimeSpan.FromSeconds(5), after.TaskTemplate.ContainerSpec.Healthcheck.Interval);
            Assert.Equal(3L, after.TaskTemplate.ContainerSpec.Healthcheck.Retries);
            Assert.Equal("on-failure", after.TaskTemplate.RestartPolicy.Condition);
            Assert.Equal(4UL, after.TaskTemplate.RestartPolicy.MaxAttempts);
            Assert.Equal("start-first", after.UpdateConfig.Order);
            Assert.Equal("rollback", after.UpdateConfig.FailureAction);
            Assert.Equal(1UL, after.UpdateConfig.Parallelism);
            Assert.Equal(TimeSpan.FromSeconds(10), after.UpdateConfig.Monitor);

            // A rollback replaces tasks the same way, so it keeps serving too.
            Assert.Equal("start-first", after.RollbackConfig.Order);
            Assert.Equal(1UL, after.RollbackConfig.Parallelism);

            var changed = ServiceSpecEditor.Compare(Web(), after).ToDictionary(c => c.Field, c => c.After);
            Assert.Equal("0.5", changed["ReserveCpu"]);
            Assert.Equal("64 MiB", changed["ReserveMemory"]);
            Assert.Equal("5s", changed["HealthInterval"]);
            Assert.Equal("start-first", changed["UpdateOrder"]);
        }

        [Fact]
        public void Apply_TheSameSettingsTwice_ChangesNothingTheSecondTime()
        {
            var settings = new ContainerSettings { ReserveCpu = 0.25, HealthCommand = "true", UpdateOrder = "start-first", RestartDelay = TimeSpan.FromSeconds(3), Replicas = 2 };
            ServiceSpec once = ServiceSpecEditor.Apply(Web(), settings);

            ServiceSpec twice = ServiceSpecEditor.Apply(once, settings);

            Assert.Empty(ServiceSpecEditor.Compare(once, twice));
        }

        [Fact]
        public void Apply_NoHealthCheck_TurnsOffTheImagesCheck()
        {
            ServiceSpec current = ServiceSpecEditor.Apply(Web(), new ContainerSettings { HealthCommand = "true" });

            ServiceSpec after = ServiceSpecEditor.Apply(current, new ContainerSettings { NoHealthCheck = true });

            Assert.Equal(new[] { "NONE" }, after.TaskTemplate!.ContainerSpec!.Healthcheck!.Test);
            Assert.Contains(ServiceSpecEditor.Compare(current, after), c => c.ToString() == "HealthCommand: true -> none");
        }

        [Fact]
        public void Apply_PortsAndConstraints_ReplaceTheWholeList_InHostMode()
        {
            ServiceSpec after = ServiceSpecEditor.Apply(Web(), new ContainerSettings
            {
                Publish = new[] { PortSpec.Parse("8080:80/tcp") },
                Constraints = ConstraintParser.ParseAll(new[] { "storage==ssd" }),
            });

            PortConfig port = Assert.Single(after.EndpointSpec!.Ports!);
            Assert.Equal("host", port.PublishMode);
            Assert.Equal(8080U, port.PublishedPort);
            Assert.Equal(new[] { "node.labels.storage==ssd" }, after.TaskTemplate.Placement.Constraints);

            ServiceSpec none = ServiceSpecEditor.Apply(after, new ContainerSettings { Publish = Array.Empty<PortSpec>() });
            Assert.Null(none.EndpointSpec);
            Assert.Equal("Ports: 8080:80/tcp -> (none)", Assert.Single(ServiceSpecEditor.Compare(after, none)).ToString());
        }

        [Theory]
        [InlineData("swarmps/web", "swarmps/web:latest")]
        [InlineData("swarmps/web:v2@sha256:abc", "swarmps/web:v2")]
        [InlineData("localhost:5000/team/web", "localhost:5000/team/web:latest")]
        [InlineData("localhost:5000/team/web:1.2", "localhost:5000/team/web:1.2")]
        public void NormalizeImage_DropsTheDigestAndMakesLatestExplicit(string image, string expected)
        {
            Assert.Equal(expected, ServiceSpecEditor.NormalizeImage(image));
        }

        private static ServiceSpec Web() => new ServiceSpec
        {
            Name = "web",
            Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
            TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = "swarmps/web:v1" }, Placement = new Placement() },
        };
    }
}
