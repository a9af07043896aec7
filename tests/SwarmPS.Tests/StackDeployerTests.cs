using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Stacks;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class StackDeployerTests : IDisposable
    {
        private const string App = @"services:
  db:
    image: registry.lab:5000/db:1
    volumes: ['dbdata:/data']
    networks: [back]
    secrets: [dbpass]
    deploy:
      placement:
        constraints: [storage==ssd]
  web:
    image: registry.lab:5000/web:${TAG:-1}
    ports: ['8080:80']
    networks: [back]
    deploy:
      replicas: 2
      placement:
        constraints: [storage==hdd]
networks:
  back:
volumes:
  dbdata:
secrets:
  dbpass:
    file: ./dbpass.txt
";

        private readonly ThreeNodeCluster cluster = new ThreeNodeCluster();
        private readonly TemporaryDirectory dir = new TemporaryDirectory();
        private readonly StackDeployer deployer = new StackDeployer { SavedLogin = _ => null };

        public StackDeployerTests()
        {
            cluster.Swarm.RegistryImages["registry.lab:5000/db:1"] = "sha256:" + new string('1', 64);
            cluster.Swarm.RegistryImages["registry.lab:5000/web:1"] = "sha256:" + new string('2', 64);
            cluster.Swarm.RegistryImages["registry.lab:5000/web:2"] = "sha256:" + new string('3', 64);
            File.WriteAllText(Path.Combine(dir.Path, "dbpass.txt"), "s3cret");
        }

        public void Dispose()
        {
            dir.Dispose();
            cluster.Dispose();
        }

        private StackDefinition Define(string text, string? tag = null, string stack = "app")
        {
            string path = Path.Combine(dir.Path, "compose.yml");
            File.WriteAllText(path, text);
            var env = new Dictionary<string, string>();
            if (tag != null)
            {
                env["TAG"] = tag;
            }

            return StackMapper.Map(stack, ComposeReader.Load(new[] { path }, env, null));
        }

        private async Task<IReadOnlyList<SwarmStackDeployment>> DeployAsync(StackDefinition definition, bool prune = false)
        {
            ClusterContext context = await cluster.ResolveAsync();
            StackPlan plan = await deployer.PlanAsync(context, definition, prune, NullReporter.Instance, CancellationToken.None);
            return await deployer.ApplyAsync(context, plan, noWait: true, TimeSpan.FromSeconds(5), NullReporter.Instance, CancellationToken.None);
        }

        [Fact]
        public async Task DeploysNetworksSecretsThenServicesAndAgainChangesNothing()
        {
            IReadOnlyList<SwarmStackDeployment> first = await DeployAsync(Define(App));
            Assert.Equal(new[] { "app_db:Create:True", "app_web:Create:True" }, first.Select(d => $"{d.Name}:{d.Action}:{d.Changed}"));
            Assert.Equal("app_back", Assert.Single(cluster.Manager.Networks).Name);
            Assert.Equal("app", cluster.Manager.Networks[0].Labels[StackMapper.NamespaceLabel]);
            Secret secret = Assert.Single(await cluster.Manager.ListSecretsAsync(CancellationToken.None));
            Assert.Equal("app_dbpass", secret.Spec.Name);
            ServiceSpec db = cluster.Swarm.CreatedSpecs.Single(s => s.Name == "app_db");
            Assert.Equal(secret.ID, db.TaskTemplate.ContainerSpec.Secrets.Single().SecretID);
            Assert.Equal("registry.lab:5000/db:1@sha256:" + new string('1', 64), db.TaskTemplate.ContainerSpec.Image);

            ClusterContext context = await cluster.ResolveAsync();
            StackPlan again = await deployer.PlanAsync(context, Define(App), false, NullReporter.Instance, CancellationToken.None);
            Assert.Empty(again.Describe());
            IReadOnlyList<SwarmStackDeployment> second = await deployer.ApplyAsync(context, again, true, TimeSpan.FromSeconds(5), NullReporter.Instance, CancellationToken.None);
            Assert.All(second, d => Assert.Equal(("Unchanged", false), (d.Action, d.Changed)));
            Assert.Equal(0, cluster.Manager.CountOf("UpdateService"));
            Assert.Equal(2, cluster.Manager.CountOf("CreateService"));
        }

        [Fact]
        public async Task AChangedTagUpdatesOnlyThatServiceFieldByField()
        {
            await DeployAsync(Define(App));
            ClusterContext context = await cluster.ResolveAsync();
            StackPlan plan = await deployer.PlanAsync(context, Define(App, tag: "2"), false, NullReporter.Instance, CancellationToken.None);
            StackServiceStep web = plan.Steps.Single(s => s.Key == "web");
            Assert.Equal("Update", web.Action);
            Assert.Equal(2, web.Changes.Count);
            Assert.Contains(web.Changes, c => c.StartsWith("Image: registry.lab:5000/web:1@", StringComparison.Ordinal) && c.Contains("-> registry.lab:5000/web:2@"));
            Assert.Contains(web.Changes, c => c.StartsWith("Labels: ", StringComparison.Ordinal) && c.Contains("com.docker.stack.image=registry.lab:5000/web:2"));
            Assert.Equal("Unchanged", plan.Steps.Single(s => s.Key == "db").Action);
            Assert.Contains("Update service app_web: Image:", string.Join("\n", plan.Describe()));
            await deployer.ApplyAsync(context, plan, true, TimeSpan.FromSeconds(5), NullReporter.Instance, CancellationToken.None);
            Assert.Equal(1, cluster.Manager.CountOf("UpdateService"));
        }

        [Fact]
        public async Task EveryProblemIsNamedBeforeAnythingChanges()
        {
            cluster.Swarm.AddService(new ServiceSpec
            {
                Name = "other",
                TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = "x" } },
                EndpointSpec = new EndpointSpec { Ports = new List<PortConfig> { new PortConfig { PublishedPort = 8080, TargetPort = 80, Protocol = "tcp" } } },
            });
            string broken = App.Replace("storage==ssd", "storage==nvme").Replace("registry.lab:5000/web:${TAG:-1}", "registry.lab:5000/missing:9");
            ClusterContext context = await cluster.ResolveAsync();
            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => deployer.PlanAsync(context, Define(broken), false, NullReporter.Instance, CancellationToken.None));
            Assert.Equal("StackPlanInvalid", failure.ErrorId);
            Assert.Contains("service 'db'", failure.Message);
            Assert.Contains("storage==nvme", failure.Message);
            Assert.Contains("registry.lab:5000/missing:9", failure.Message);
            Assert.Contains("port 8080/tcp, which service 'other' publishes already", failure.Message);
            Assert.Empty(cluster.Manager.Networks);
            Assert.Empty(await cluster.Manager.ListSecretsAsync(CancellationToken.None));
            Assert.Equal(0, cluster.Manager.CountOf("CreateService"));
        }

        [Fact]
        public async Task PruneRemovesADroppedServiceAndListAndRemoveSeeTheStack()
        {
            await DeployAsync(Define(App));
            string withoutDb = App.Substring(App.IndexOf("  web:", StringComparison.Ordinal)).Insert(0, "services:\n");
            IReadOnlyList<SwarmStackDeployment> withoutPrune = await DeployAsync(Define(withoutDb));
            Assert.DoesNotContain(withoutPrune, d => d.Action == "Remove");
            IReadOnlyList<SwarmStackDeployment> pruned = await DeployAsync(Define(withoutDb), prune: true);
            Assert.Contains(pruned, d => d.Name == "app_db" && d.Action == "Remove" && d.Changed);
            Assert.Empty(await cluster.Manager.ListServicesAsync("app_db", CancellationToken.None));

            ClusterContext context = await cluster.ResolveAsync();
            SwarmStack stack = Assert.Single(await deployer.ListAsync(context, _ => true, CancellationToken.None));
            Assert.Equal("app", stack.Name);
            Assert.Equal(new[] { "app_web" }, stack.Services.Select(s => s.Name));
            Assert.Equal(2, stack.Services[0].Desired);
            Assert.Contains("8080:80/tcp (ingress)", stack.Ports);

            await deployer.RemoveAsync(context, "app", removeVolumes: false, TimeSpan.FromSeconds(5), NullReporter.Instance, CancellationToken.None);
            Assert.Empty(await deployer.ListAsync(context, _ => true, CancellationToken.None));
            Assert.Empty(cluster.Manager.Networks);
            Assert.Empty(await cluster.Manager.ListSecretsAsync(CancellationToken.None));
        }

        [Fact]
        public async Task WaitsUntilEveryServiceRunsItsReplicas()
        {
            ClusterContext context = await cluster.ResolveAsync();
            StackPlan plan = await deployer.PlanAsync(context, Define(App), false, NullReporter.Instance, CancellationToken.None);
            var reporter = new RecordingReporter();
            await deployer.ApplyAsync(context, plan, noWait: false, TimeSpan.FromSeconds(20), reporter, CancellationToken.None);
            IList<TaskResponse> tasks = await cluster.Manager.ListTasksAsync(null, desiredRunning: true, CancellationToken.None);
            Assert.Equal(3, tasks.Count(t => t.Status?.State == TaskState.Running));

            StackPlan update = await deployer.PlanAsync(context, Define(App, tag: "2"), false, NullReporter.Instance, CancellationToken.None);
            await deployer.ApplyAsync(context, update, noWait: false, TimeSpan.FromSeconds(20), NullReporter.Instance, CancellationToken.None);
            SwarmService web = Assert.Single(await cluster.Manager.ListServicesAsync("app_web", CancellationToken.None));
            Assert.StartsWith("registry.lab:5000/web:2@", web.Spec.TaskTemplate.ContainerSpec.Image);
        }

        [Fact]
        public async Task GivesUpAfterTheTimeoutWhenATaskCannotRun()
        {
            ClusterContext context = await cluster.ResolveAsync();
            StackPlan plan = await deployer.PlanAsync(context, Define(App), false, NullReporter.Instance, CancellationToken.None);
            cluster.Swarm.NodeOf(cluster.SsdWorker)!.Availability = "drain";
            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => deployer.ApplyAsync(context, plan, noWait: false, TimeSpan.FromSeconds(2), NullReporter.Instance, CancellationToken.None));
            Assert.Equal("StackConvergeTimeout", failure.ErrorId);
            Assert.Contains("app_db 0/1", failure.Message);
        }

        [Fact]
        public async Task AServiceOfTheSameNameOutsideTheStackIsNotTakenOver()
        {
            cluster.Swarm.AddService(ThreeNodeCluster.Service("app_web", "registry.lab:5000/web:1"));
            ClusterContext context = await cluster.ResolveAsync();
            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => deployer.PlanAsync(context, Define(App), false, NullReporter.Instance, CancellationToken.None));
            Assert.Contains("'app_web' exists already and is not part of stack 'app'", failure.Message);
        }
    }
}
