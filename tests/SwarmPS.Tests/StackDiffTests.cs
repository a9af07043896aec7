using System;
using System.Collections.Generic;
using Docker.DotNet.Models;
using SwarmPS.Engine.Stacks;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class StackDiffTests
    {
        private static ServiceSpec Spec(Action<ServiceSpec> change)
        {
            var spec = new ServiceSpec
            {
                Name = "app_web",
                Labels = new Dictionary<string, string> { [StackMapper.NamespaceLabel] = "app" },
                TaskTemplate = new TaskSpec
                {
                    ContainerSpec = new ContainerSpec { Image = "web:1", TTY = false, Hosts = new List<string>() },
                    Networks = new List<NetworkAttachmentConfig> { new NetworkAttachmentConfig { Target = "app_back", Aliases = new List<string> { "web" } } },
                },
                Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 2 } },
                UpdateConfig = new SwarmUpdateConfig { Parallelism = 1, FailureAction = string.Empty, Order = string.Empty },
            };
            change(spec);
            return spec;
        }

        private static IReadOnlyList<string> Diff(ServiceSpec before, ServiceSpec after)
        {
            var ids = new Dictionary<string, string> { ["n1d"] = "app_back" };
            string Name(string target) => ids.GetValueOrDefault(target, target);
            return StackDiff.Changes(StackDiff.Fields(before, Name), StackDiff.Fields(after, Name));
        }

        [Fact]
        public void WhatTheEngineFillsInOrLeavesOutIsNoChange()
        {
            // As the engine gives it back: network ids, defaults stored, empty lists and false flags left out, a restart policy of its own.
            ServiceSpec stored = Spec(s =>
            {
                s.TaskTemplate.Networks[0].Target = "n1d";
                s.TaskTemplate.ContainerSpec.TTY = null;
                s.TaskTemplate.ContainerSpec.Hosts = null;
                s.UpdateConfig.FailureAction = "pause";
                s.UpdateConfig.Order = "stop-first";
                s.TaskTemplate.RestartPolicy = new SwarmRestartPolicy { Condition = "any", Delay = TimeSpan.FromSeconds(5) };
            });
            Assert.Empty(Diff(stored, Spec(_ => { })));
        }

        [Fact]
        public void AnEnvironmentChangeNamesTheVariablesNotTheirValues()
        {
            IReadOnlyList<string> changes = Diff(
                Spec(s => s.TaskTemplate.ContainerSpec.Env = new List<string> { "DB_PASSWORD=old-secret", "MODE=a", "GONE=1" }),
                Spec(s => s.TaskTemplate.ContainerSpec.Env = new List<string> { "DB_PASSWORD=new-secret", "MODE=a", "NEW=2" }));
            Assert.Equal("Env: NEW added, DB_PASSWORD changed, GONE removed", Assert.Single(changes));
        }

        [Fact]
        public void EachChangedFieldIsNamedWithBeforeAndAfter()
        {
            IReadOnlyList<string> changes = Diff(Spec(_ => { }), Spec(s =>
            {
                s.TaskTemplate.ContainerSpec.Image = "web:2";
                s.Mode.Replicated.Replicas = 3;
                s.UpdateConfig.Order = "start-first";
            }));
            Assert.Equal(new[] { "Image: web:1 -> web:2", "Mode: replicated(2) -> replicated(3)" }, new[] { changes[0], changes[1] });
            Assert.Contains(changes, c => c.StartsWith("UpdateConfig: ", StringComparison.Ordinal) && c.EndsWith("order=start-first", StringComparison.Ordinal));
            Assert.Equal(3, changes.Count);
        }
    }
}
