using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Docker.DotNet.Models;
using SwarmPS.Engine.Stacks;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class StackMapperTests
    {
        internal const string EveryKey = @"services:
  web:
    image: registry.lab:5000/web:1.2
    command: serve --port ""8080""
    entrypoint: [/bin/app]
    environment:
      MODE: production
      EMPTY:
    env_file: web.env
    labels: [tier=front]
    user: ""1000:1000""
    working_dir: /srv
    hostname: web-host
    stop_grace_period: 20s
    extra_hosts: ['db.local:10.0.0.5']
    healthcheck:
      test: wget -q localhost:8080
      interval: 10s
      timeout: 2s
      retries: 3
      start_period: 1m
    ports:
      - '8080:80'
      - target: 443
        published: 8443
        protocol: tcp
        mode: host
    volumes:
      - data:/data
      - /etc/app:/etc/app:ro
      - type: tmpfs
        target: /cache
        tmpfs:
          size: 64m
    networks:
      front:
        aliases: [www]
      back:
    secrets:
      - key
      - source: key
        target: /run/other
        mode: 0400
    configs: [conf]
    build: ./web
    depends_on: [db]
    container_name: web1
    deploy:
      mode: replicated
      replicas: 2
      labels: {owner: ops}
      placement:
        constraints: [storage==disk, node.role==worker]
        preferences: [spread: node.labels.zone]
        max_replicas_per_node: 1
      resources:
        limits: {cpus: '0.5', memory: 256M, pids: 100}
        reservations: {cpus: '0.25', memory: 64M}
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 1m}
      update_config: {parallelism: 1, delay: 10s, failure_action: rollback, monitor: 30s, max_failure_ratio: 0.1, order: start-first}
      rollback_config: {parallelism: 2, order: stop-first}
  db:
    image: postgres:16
    volumes: ['dbdata:/var/lib/postgresql/data']
    deploy:
      mode: global
      placement:
        constraints: [storage==ssd]
networks:
  front:
    driver_opts: {encrypted: 'true'}
    attachable: true
  back:
    labels: {role: backend}
volumes:
  data:
  dbdata:
    driver: local
secrets:
  key:
    file: ./key.txt
configs:
  conf:
    file: ./app.conf
";

        private static StackDefinition Map(string text)
        {
            using var dir = new TemporaryDirectory();
            File.WriteAllText(Path.Combine(dir.Path, "web.env"), "FROM_FILE=1\nMODE=ignored\n");
            File.WriteAllText(Path.Combine(dir.Path, "compose.yml"), text);
            return StackMapper.Map("app", ComposeReader.Load(new[] { Path.Combine(dir.Path, "compose.yml") }, new Dictionary<string, string>(), null));
        }

        [Fact]
        public void MapsEverySupportedKeyAsDockerStackDeployDoes()
        {
            StackDefinition stack = Map(EveryKey);
            ServiceSpec web = stack.Services.Single(s => s.Key == "web").Spec;
            Assert.Equal("app_web", web.Name);
            Assert.Equal("app", web.Labels["com.docker.stack.namespace"]);
            Assert.Equal("registry.lab:5000/web:1.2", web.Labels["com.docker.stack.image"]);
            Assert.Equal("ops", web.Labels["owner"]);
            ContainerSpec c = web.TaskTemplate.ContainerSpec;
            Assert.Equal(new[] { "serve", "--port", "8080" }, c.Args);
            Assert.Equal(new[] { "/bin/app" }, c.Command);
            Assert.Equal(new[] { "EMPTY", "FROM_FILE=1", "MODE=production" }, c.Env);
            Assert.Equal("front", c.Labels["tier"]);
            Assert.Equal("app", c.Labels["com.docker.stack.namespace"]);
            Assert.Equal("1000:1000", c.User);
            Assert.Equal("/srv", c.Dir);
            Assert.Equal("web-host", c.Hostname);
            Assert.Equal(TimeSpan.FromSeconds(20), c.StopGracePeriod);
            Assert.Equal(new[] { "10.0.0.5 db.local" }, c.Hosts);
            Assert.Equal(new[] { "CMD-SHELL", "wget -q localhost:8080" }, c.Healthcheck.Test);
            Assert.Equal(TimeSpan.FromSeconds(10), c.Healthcheck.Interval);
            Assert.Equal(TimeSpan.FromSeconds(2), c.Healthcheck.Timeout);
            Assert.Equal(TimeSpan.FromMinutes(1), c.Healthcheck.StartPeriod);
            Assert.Equal(3L, c.Healthcheck.Retries);

            Assert.Collection(web.EndpointSpec.Ports!,
                p => Assert.Equal(("tcp", 80u, 8080u, "ingress"), (p.Protocol, p.TargetPort, p.PublishedPort, p.PublishMode)),
                p => Assert.Equal(("tcp", 443u, 8443u, "host"), (p.Protocol, p.TargetPort, p.PublishedPort, p.PublishMode)));
            Assert.Equal("vip", web.EndpointSpec.Mode);

            Assert.Collection(c.Mounts!,
                m => { Assert.Equal(("volume", "app_data", "/data", false), (m.Type, m.Source, m.Target, m.ReadOnly)); Assert.Equal("app", m.VolumeOptions.Labels["com.docker.stack.namespace"]); },
                m => Assert.Equal(("bind", "/etc/app", "/etc/app", true), (m.Type, m.Source, m.Target, m.ReadOnly)),
                m => { Assert.Equal(("tmpfs", "/cache"), (m.Type, m.Target)); Assert.Equal(64L * 1024 * 1024, m.TmpfsOptions.SizeBytes); });

            Assert.Collection(web.TaskTemplate.Networks!,
                n => Assert.Equal("app_back|web", n.Target + "|" + string.Join(",", n.Aliases)),
                n => Assert.Equal("app_front|www,web", n.Target + "|" + string.Join(",", n.Aliases)));

            Assert.Equal(new[] { ("app_key", "key", 0x124u), ("app_key", "/run/other", 0x100u) }, c.Secrets.Select(s => (s.SecretName, s.File.Name, s.File.Mode)));
            Assert.Equal(new[] { ("app_conf", "conf") }, c.Configs.Select(s => (s.ConfigName, s.File.Name)));

            Assert.Equal(2UL, web.Mode.Replicated.Replicas);
            Placement placement = web.TaskTemplate.Placement;
            Assert.Equal(new[] { "node.labels.storage==disk", "node.role==worker" }, placement.Constraints);
            Assert.Equal("node.labels.zone", placement.Preferences.Single().Spread.SpreadDescriptor);
            Assert.Equal(1UL, placement.MaxReplicas);
            Assert.Equal(500_000_000L, web.TaskTemplate.Resources.Limits.NanoCPUs);
            Assert.Equal(256L * 1024 * 1024, web.TaskTemplate.Resources.Limits.MemoryBytes);
            Assert.Equal(100L, web.TaskTemplate.Resources.Limits.Pids);
            Assert.Equal(250_000_000L, web.TaskTemplate.Resources.Reservations.NanoCPUs);
            Assert.Equal(64L * 1024 * 1024, web.TaskTemplate.Resources.Reservations.MemoryBytes);
            SwarmRestartPolicy restart = web.TaskTemplate.RestartPolicy;
            Assert.Equal(("on-failure", TimeSpan.FromSeconds(5), 3UL, TimeSpan.FromMinutes(1)), (restart.Condition, restart.Delay!.Value, restart.MaxAttempts!.Value, restart.Window!.Value));
            Assert.Equal((1UL, TimeSpan.FromSeconds(10), "rollback", TimeSpan.FromSeconds(30), 0.1f, "start-first"),
                (web.UpdateConfig.Parallelism, web.UpdateConfig.Delay!.Value, web.UpdateConfig.FailureAction, web.UpdateConfig.Monitor!.Value, web.UpdateConfig.MaxFailureRatio, web.UpdateConfig.Order));
            Assert.Equal((2UL, "stop-first"), (web.RollbackConfig.Parallelism, web.RollbackConfig.Order));

            ServiceSpec db = stack.Services.Single(s => s.Key == "db").Spec;
            Assert.NotNull(db.Mode.Global);
            Assert.Equal(new[] { "node.labels.storage==ssd" }, db.TaskTemplate.Placement.Constraints);
            Assert.Equal("app_default", db.TaskTemplate.Networks.Single().Target);
            Assert.Equal("local", db.TaskTemplate.ContainerSpec.Mounts.Single().VolumeOptions.DriverConfig.Name);

            Assert.Equal(new[] { "app_back", "app_default", "app_front" }, stack.Networks.Select(n => n.Name));
            Assert.All(stack.Networks, n => Assert.Equal("overlay", n.Create!.Driver));
            Assert.True(stack.Networks.Single(n => n.Key == "front").Create!.Attachable);
            Assert.Equal("true", stack.Networks.Single(n => n.Key == "front").Create!.Options["encrypted"]);
            Assert.Equal("backend", stack.Networks.Single(n => n.Key == "back").Create!.Labels["role"]);
            Assert.Equal("app", stack.Networks.Single(n => n.Key == "back").Create!.Labels["com.docker.stack.namespace"]);
            Assert.EndsWith("key.txt", stack.Secrets.Single().File);
            Assert.Equal("app_key", stack.Secrets.Single().Name);
            Assert.Equal("app_conf", stack.Configs.Single().Name);
        }

        [Fact]
        public void KeysSwarmIgnoresAreWarningsWithTheirLine()
        {
            StackDefinition stack = Map(EveryKey);
            Assert.Contains(stack.Warnings, w => w.Message.Contains("'build' is ignored") && w.Mark.Line == LineOf("    build:") && w.Mark.Column == 5);
            Assert.Contains(stack.Warnings, w => w.Message.Contains("'depends_on' is ignored") && w.Mark.Line == LineOf("    depends_on:") && w.Mark.Column == 5);
            Assert.Contains(stack.Warnings, w => w.Message.Contains("'container_name' is ignored") && w.Mark.Line == LineOf("    container_name:") && w.Mark.Column == 5);
            Assert.Equal(3, stack.Warnings.Count);
        }

        private static int LineOf(string start) => EveryKey.Replace("\r\n", "\n").Split('\n').ToList().FindIndex(l => l.StartsWith(start, StringComparison.Ordinal)) + 1;

        [Theory]
        [InlineData("services:\n  web:\n    image: a\n    networks: [nope]\n", "network 'nope'")]
        [InlineData("services:\n  web:\n    image: a\n    volumes: ['nope:/x']\n", "volume 'nope'")]
        [InlineData("services:\n  web:\n    image: a\n    secrets: [nope]\n", "secret 'nope'")]
        [InlineData("services:\n  web:\n    command: x\n", "has no image")]
        [InlineData("services:\n  web:\n    image: a\n    ports: ['99999:80']\n", "'99999' is not a port number")]
        [InlineData("services:\n  web:\n    image: a\n    volumes: ['./rel:/x']\n", "absolute path")]
        public void UndeclaredAndInvalidReferencesAreRefusedWithTheirPosition(string text, string message)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => Map(text));
            Assert.Equal("ComposeFileInvalid", failure.ErrorId);
            Assert.Contains(message, failure.Message);
            Assert.Contains("compose.yml:", failure.Message);
        }

        [Fact]
        public void AnExternalVolumeWithoutName_IsTheVolumeNamedByItsKey_AsTheDockerCliLoads()
        {
            StackDefinition stack = Map("services:\n  web:\n    image: a\n    volumes: ['shared:/shared', 'own:/own', 'named:/named']\nvolumes:\n  shared:\n    external: true\n  own:\n  named:\n    external: true\n    name: corp-data\n");
            IList<Mount> mounts = stack.Services.Single().Spec.TaskTemplate.ContainerSpec.Mounts;
            Assert.Equal(new[] { "shared", "app_own", "corp-data" }, mounts.Select(m => m.Source));
            Assert.Null(mounts[0].VolumeOptions.Labels);
            Assert.Equal("app", mounts[1].VolumeOptions.Labels["com.docker.stack.namespace"]);
        }

        [Fact]
        public void AnUnsupportedConstraintIsRefusedWithItsPosition()
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => Map("services:\n  web:\n    image: a\n    deploy:\n      placement:\n        constraints: ['storage==/ss.*/']\n"));
            Assert.Equal("ConstraintUnsupported", failure.ErrorId);
            Assert.Contains("compose.yml:6:", failure.Message);
        }
    }
}
