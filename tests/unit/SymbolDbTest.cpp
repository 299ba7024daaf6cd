#include "Database/SymbolDb.h"

#include "llvm/BinaryFormat/ELF.h"

#include <gtest/gtest.h>

using namespace modver;

static Export makeExport(std::string Name, uint32_t Crc, std::string Source,
                         std::string Exporter = "vmlinux") {
  Export E;
  E.Name = std::move(Name);
  E.Crc = Crc;
  E.Source = std::move(Source);
  E.Exporter = std::move(Exporter);
  return E;
}

TEST(SymbolDb, AddsAndFinds) {
  SymbolDb Db;
  ASSERT_FALSE(Db.add(makeExport("printk", 0x1234, "a")));
  ASSERT_FALSE(Db.add(makeExport("kfree", 0x99, "a")));
  ASSERT_NE(Db.find("printk"), nullptr);
  EXPECT_EQ(Db.find("printk")->Crc, 0x1234u);
  EXPECT_EQ(Db.find("nope"), nullptr);
  auto Sorted = Db.sorted();
  ASSERT_EQ(Sorted.size(), 2u);
  EXPECT_EQ(Sorted[0]->Name, "kfree");
}

TEST(SymbolDb, SameVersionTwiceMergesDetails) {
  SymbolDb Db;
  ASSERT_FALSE(Db.add(makeExport("usb_foo", 7, "vmlinuz", "")));
  Export Again = makeExport("usb_foo", 7, "Module.symvers", "drivers/usb/core/usbcore");
  Again.Namespace = "USB";
  ASSERT_FALSE(Db.add(Again));
  EXPECT_EQ(Db.size(), 1u);
  EXPECT_EQ(Db.find("usb_foo")->Exporter, "drivers/usb/core/usbcore");
  EXPECT_EQ(Db.find("usb_foo")->Namespace, "USB");
}

TEST(SymbolDb, ConflictNamesBothSources) {
  SymbolDb Db;
  ASSERT_FALSE(Db.add(makeExport("printk", 0x1234, "vmlinuz-a")));
  llvm::Error E = Db.add(makeExport("printk", 0x4321, "symvers-b"));
  ASSERT_TRUE(bool(E));
  std::string Msg = llvm::toString(std::move(E));
  EXPECT_NE(Msg.find("printk"), std::string::npos);
  EXPECT_NE(Msg.find("vmlinuz-a"), std::string::npos);
  EXPECT_NE(Msg.find("symvers-b"), std::string::npos);
  EXPECT_NE(Msg.find("0x00001234"), std::string::npos);
}

TEST(SymbolDb, MergeRefusesDifferentReleases) {
  SymbolDb A, B;
  A.kernel().Release = "6.1.0-47-amd64";
  B.kernel().Release = "6.1.0-56-amd64";
  llvm::Error E = A.merge(std::move(B));
  ASSERT_TRUE(bool(E));
  EXPECT_NE(llvm::toString(std::move(E)).find("6.1.0-56-amd64"), std::string::npos);
}

static ElfTarget riscv64(uint32_t Flags, bool FlagsUnknown) {
  ElfTarget T;
  T.Machine = llvm::ELF::EM_RISCV;
  T.Flags = Flags;
  T.FlagsUnknown = FlagsUnknown;
  return T;
}

// A flat riscv Image knows no e_flags, its module tree does (EF_RISCV_RVC): they describe one
// kernel, and the merged database keeps the flags it learnt, whichever source comes first.
TEST(SymbolDb, MergeFillsFlagsAFlatImageDoesNotKnow) {
  for (bool ImageFirst : {true, false}) {
    SCOPED_TRACE(ImageFirst ? "image first" : "tree first");
    SymbolDb A, B;
    A.kernel().Target = riscv64(ImageFirst ? 0 : 1, ImageFirst);
    B.kernel().Target = riscv64(ImageFirst ? 1 : 0, !ImageFirst);
    ASSERT_FALSE(bool(A.merge(std::move(B))));
    ASSERT_TRUE(A.kernel().Target.has_value());
    EXPECT_EQ(A.kernel().Target->Flags, 1u);
    EXPECT_FALSE(A.kernel().Target->FlagsUnknown);
  }
}

TEST(SymbolDb, MergeRefusesDifferentKnownFlags) {
  SymbolDb A, B;
  A.kernel().Target = riscv64(1, false);
  B.kernel().Target = riscv64(5, false);
  llvm::Error E = A.merge(std::move(B));
  ASSERT_TRUE(bool(E));
  EXPECT_NE(llvm::toString(std::move(E)).find("sources describe different targets"),
            std::string::npos);
}

// Unknown flags excuse the flags only, never the machine.
TEST(SymbolDb, MergeRefusesAnotherMachineWithUnknownFlags) {
  SymbolDb A, B;
  A.kernel().Target = riscv64(0, true);
  ElfTarget Arm;
  Arm.Machine = llvm::ELF::EM_AARCH64;
  B.kernel().Target = Arm;
  llvm::Error E = A.merge(std::move(B));
  ASSERT_TRUE(bool(E));
  EXPECT_NE(llvm::toString(std::move(E)).find("aarch64"), std::string::npos);
}
