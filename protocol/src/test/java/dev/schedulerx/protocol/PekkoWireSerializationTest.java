package dev.schedulerx.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.schedulerx.protocol.Server.ServerSubmitJobInstanceRequest;
import com.alibaba.schedulerx.protocol.Worker.WorkerHeartBeatRequest;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What goes on the wire for our messages is what Akka peers expect: serializer 2, Java class name manifest. */
class PekkoWireSerializationTest {
  static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("wire-test", RemotingSettings.of("127.0.0.1", 0).toConfig());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void protobufMessagesUseTheProtobufSerializerWithTheOfficialManifest() {
    WorkerHeartBeatRequest hb =
        WorkerHeartBeatRequest.newBuilder().setGroupId("g").setVersion("0.1.0").setWorkerId("127000000001_1_2").build();
    Serialization serialization = SerializationExtension.get(system);
    Serializer serializer = serialization.findSerializerFor(hb);

    assertThat(serializer.identifier()).isEqualTo(2);
    assertThat(Serializers.manifestFor(serializer, hb)).isEqualTo("com.alibaba.schedulerx.protocol.Worker$WorkerHeartBeatRequest");
    byte[] bytes = serialization.serialize(hb).get();
    assertThat(serialization.deserialize(bytes, 2, "com.alibaba.schedulerx.protocol.Worker$WorkerHeartBeatRequest").get()).isEqualTo(hb);
  }

  @Test
  void aServerMessageRoundTripsUnderItsServerManifest() {
    ServerSubmitJobInstanceRequest submit =
        ServerSubmitJobInstanceRequest.newBuilder()
            .setJobId(1).setJobInstanceId(2).setScheduleTime(3).setDataTime(3).setJobType("java").setExecuteMode("standalone")
            .setContent("{\"className\":\"HelloWorld\"}").setUser("u").setJobConcurrency(1).setRegionId(0).setAppGroupId(1)
            .addWorkers("127000000001_1_2@127.0.0.1:7000").build();
    Serialization serialization = SerializationExtension.get(system);
    Serializer serializer = serialization.findSerializerFor(submit);

    assertThat(Serializers.manifestFor(serializer, submit)).isEqualTo("com.alibaba.schedulerx.protocol.Server$ServerSubmitJobInstanceRequest");
    assertThat(serialization.deserialize(serialization.serialize(submit).get(), 2, Serializers.manifestFor(serializer, submit)).get())
        .isEqualTo(submit);
  }

  @Test
  void theSystemSpeaksAkkaTcp() {
    assertThat(((ExtendedActorSystem) system).provider().getDefaultAddress().protocol()).isEqualTo("akka.tcp");
  }

  @Test
  void javaSerializationIsOff() {
    assertThat(system.settings().config().getBoolean("pekko.actor.allow-java-serialization")).isFalse();
  }
}
